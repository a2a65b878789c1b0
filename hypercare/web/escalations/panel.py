"""What the desk's ticket page shows of escalations, and the portal's escalation panel."""

from dataclasses import dataclass, field
from datetime import datetime

from django import forms

from hypercare.accounts.models import User
from hypercare.escalations.choices import EscalationStep
from hypercare.escalations.models import Escalation
from hypercare.escalations.selectors import next_steps, open_escalation, ticket_escalations
from hypercare.lib import clock
from hypercare.tickets.choices import OPEN_STATUSES
from hypercare.tickets.models import Ticket
from hypercare.web.escalations.views import STEPS


@dataclass(frozen=True)
class OfferedStep:
    slug: str
    title: str
    form: forms.Form


@dataclass
class EscalationPanel:
    """The ticket's escalations, with a fresh form for each step open to the viewer now."""

    escalation: Escalation | None
    past: list[Escalation]
    now: datetime
    steps: list[OfferedStep] = field(default_factory=list)
    likely: str = ""

    @property
    def overdue(self) -> bool:
        due = self.escalation.next_update_due_at if self.escalation else None
        return due is not None and due <= self.now


def escalation_panel(user: User, ticket: Ticket) -> EscalationPanel:
    escalations = list(ticket_escalations(user, ticket))
    current = next((escalation for escalation in escalations if escalation.is_open), None)
    panel = EscalationPanel(
        escalation=current,
        past=[escalation for escalation in escalations if not escalation.is_open],
        now=clock.now(),
    )
    for step in next_steps(user, ticket, current):
        form = STEPS[step].form(ticket, current, None)
        # Several forms share a page (and field names): their ids must not collide.
        form.auto_id = f"escalation-{step}-%s"
        panel.steps.append(OfferedStep(step, str(step.label), form))
    panel.likely = likely_step(ticket, panel)
    return panel


def likely_step(ticket: Ticket, panel: EscalationPanel) -> str:
    """The offered step most likely needed now, shown open.

    A resolved or closed ticket's escalation is ready to end; otherwise the process's
    gaps in its order: a manager, the action plan, the communication plan, then an
    overdue update.
    """
    escalation = panel.escalation
    if escalation is None:
        return ""
    needed = [
        (ticket.status not in OPEN_STATUSES, EscalationStep.DE_ESCALATION),
        (escalation.manager_id is None, EscalationStep.MANAGER),
        (not escalation.action_plan, EscalationStep.ACTION_PLAN),
        (not escalation.communication_mode, EscalationStep.COMMUNICATION_PLAN),
        (panel.overdue, EscalationStep.UPDATE),
    ]
    offered = {step.slug for step in panel.steps}
    return next((str(step) for wanted, step in needed if wanted and step in offered), "")


@dataclass(frozen=True)
class DeEscalationPrompt:
    """A resolved or closed ticket that is still escalated: the nudge to end the escalation,
    with whether the viewer may de-escalate it now."""

    escalation: Escalation
    may_de_escalate: bool


def de_escalation_prompt(user: User, ticket: Ticket) -> DeEscalationPrompt | None:
    """Once a ticket is resolved or closed, its open escalation has nothing left to attend
    to but its end; the de-escalation itself keeps its checklist (``next_steps`` says when
    it is offered, the service decides)."""
    if ticket.status in OPEN_STATUSES:
        return None
    escalation = open_escalation(user, ticket)
    if escalation is None:
        return None
    offered = EscalationStep.DE_ESCALATION in next_steps(user, ticket, escalation)
    return DeEscalationPrompt(escalation, offered)


def portal_escalation(user: User, ticket: Ticket) -> dict[str, object]:
    """The portal's panel: the open escalation, or whether the requester may ask for one.

    Once the ticket is resolved or closed, no update is promised: the panel says the
    escalation rests with the ticket rather than that it is being handled.
    """
    escalation = open_escalation(user, ticket)
    can_request = EscalationStep.REQUEST in next_steps(user, ticket, escalation)
    return {
        "escalation": escalation,
        "can_escalate": can_request,
        "escalation_rests": ticket.status not in OPEN_STATUSES,
    }

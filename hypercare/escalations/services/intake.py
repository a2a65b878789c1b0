"""Asking for an escalation, after the review checklist of seed 003."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed
from hypercare.escalations import events, notices
from hypercare.escalations.choices import (
    OPEN_ESCALATION_STATUSES,
    EscalationReason,
    EscalationStatus,
    Workaround,
)
from hypercare.escalations.models import Escalation
from hypercare.escalations.selectors import choose_manager
from hypercare.escalations.services.common import TEXT_MAX, touch
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.selectors import desk_day
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket

MILESTONE_MAX = 500


@dataclass(frozen=True)
class ReviewChecklist:
    """The review before an escalation is raised (seed 003, "What steps do I take")."""

    problem_statement_confirmed: bool
    business_impact: str
    workaround: str
    workaround_impractical_because: str = ""
    milestone_date: date | None = None
    milestone: str = ""


def request_escalation(
    *, ticket: Ticket, actor: User, reason: str, checklist: ReviewChecklist, details: str = ""
) -> Escalation:
    """Ask for management attention on ``ticket``, after the review checklist.

    The requester, an institution admin or an agent may ask, at any time while the
    ticket is not closed. An escalation manager is named at once when one is available;
    their first update is due within the configured hours.
    """
    if not access.can_request_escalation(actor, ticket):
        raise NotAllowed("You may not escalate this ticket.")
    fields = _check_request(reason, checklist, details)
    with use_case():
        ticket = Ticket.objects.select_for_update().select_related("module").get(pk=ticket.pk)
        if ticket.status == Status.CLOSED:
            raise InvalidTransition("A closed ticket cannot be escalated; open a new ticket.")
        if ticket.escalations.filter(status__in=OPEN_ESCALATION_STATUSES).exists():
            raise InvalidTransition("This ticket is already escalated.")
        at = clock.now()
        manager, how = choose_manager(ticket, at)
        escalation = Escalation.objects.create(
            ticket=ticket,
            requested_by=actor,
            requested_at=at,
            status=EscalationStatus.ACTIVE if manager else EscalationStatus.REQUESTED,
            manager=manager,
            manager_assigned_at=at if manager else None,
            next_update_due_at=at
            + timedelta(hours=settings.HYPERCARE_ESCALATION_FIRST_UPDATE_HOURS),
            **fields,
        )
        requested = events.record_requested(escalation, actor, at)
        if manager is not None:
            events.record_manager(escalation, None, at, "", how)
        touch(ticket, at)
        notices.requested(escalation, requested)
    return escalation


def _check_request(reason: str, checklist: ReviewChecklist, details: str) -> dict[str, object]:
    """Every answer of the checklist checked at once; the fields to store when all pass."""
    errors = FieldErrors()
    errors.choice("reason", reason, list(EscalationReason.values))
    if not checklist.problem_statement_confirmed:
        errors.add(
            "problem_statement_confirmed",
            "confirm the problem statement is correct; if it is not, correct it in a reply first",
        )
    impact = errors.text("business_impact", checklist.business_impact, TEXT_MAX)
    errors.choice("workaround", checklist.workaround, list(Workaround.values))
    because = errors.text(
        "workaround_impractical_because",
        checklist.workaround_impractical_because,
        TEXT_MAX,
        required=checklist.workaround == Workaround.IMPRACTICAL,
    )
    milestone = errors.line(
        "milestone",
        checklist.milestone,
        MILESTONE_MAX,
        required=checklist.milestone_date is not None,
    )
    if checklist.milestone_date is None and milestone:
        errors.add("milestone_date", "give the date of the milestone")
    elif checklist.milestone_date is not None and checklist.milestone_date < desk_day(clock.now()):
        errors.add("milestone_date", "must not be in the past")
    text = errors.text("details", details, TEXT_MAX, required=False)
    errors.check()
    return {
        "reason": reason,
        "details": text,
        "problem_statement_confirmed": True,
        "business_impact": impact,
        "workaround": checklist.workaround,
        "workaround_impractical_because": because
        if checklist.workaround == Workaround.IMPRACTICAL
        else "",
        "milestone_date": checklist.milestone_date,
        "milestone": milestone,
    }

"""Handling an escalation: its manager, its plans, its updates, its level, its end.

Each step is one function in its own transaction with its event on the ticket's
timeline; only escalation managers, support managers and admins take them.
"""

from dataclasses import dataclass
from datetime import datetime

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed
from hypercare.escalations import events, notices
from hypercare.escalations.choices import (
    AgreementChannel,
    CommunicationMode,
    EscalationLevel,
    EscalationStatus,
)
from hypercare.escalations.models import Escalation
from hypercare.escalations.services.common import (
    CADENCE_FIELDS,
    TEXT_MAX,
    lock,
    next_update,
    require_manager,
    require_open,
    touch,
)
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors

NAME_MAX = 200
# A week: an escalation updated less often than that is not being managed.
LONGEST_UPDATE_INTERVAL_HOURS = 168
PLAN_FIELDS = ("communication_mode", "update_every_hours", "attendees")


@dataclass(frozen=True)
class DeEscalationChecklist:
    """What must be true, and documented, before an escalation ends."""

    action_plan_accepted: bool
    root_cause_on_track: bool
    agreed_by: str
    agreed_at: datetime | None
    agreement_channel: str


def assign_escalation_manager(
    *, escalation: Escalation, actor: User, manager: User, reason: str = ""
) -> Escalation:
    """Make ``manager`` the primary contact, by hand (the rule's choice, or a change)."""
    if not access.can_handle_escalation(actor):
        raise NotAllowed("Only escalation and support managers can do this.")
    errors = FieldErrors()
    if not access.can_be_escalation_manager(manager):
        errors.add("manager", "must be an active escalation manager")
    why = errors.text("reason", reason, TEXT_MAX, required=False)
    errors.check()
    with use_case():
        escalation = lock(escalation)
        require_open(escalation)
        if escalation.manager_id == manager.pk:
            return escalation
        at = clock.now()
        old = escalation.manager.display_name if escalation.manager else ""
        escalation.manager = manager
        escalation.manager_assigned_at = at
        escalation.status = EscalationStatus.ACTIVE
        escalation.save(update_fields=["manager", "manager_assigned_at", "status"])
        why = why or f"Chosen by {actor.display_name}."
        event = events.record_manager(escalation, actor, at, old, why)
        touch(escalation.ticket, at)
        notices.manager_assigned(escalation, event, actor)
    return escalation


def record_action_plan(*, escalation: Escalation, actor: User, action_plan: str) -> Escalation:
    """The plan to resolve the ticket, shared with the requester; recording again revises it."""
    if not access.can_handle_escalation(actor):
        raise NotAllowed("Only escalation and support managers can do this.")
    errors = FieldErrors()
    plan = errors.text("action_plan", action_plan, TEXT_MAX)
    errors.check()
    with use_case():
        escalation = lock(escalation)
        require_manager(escalation)
        at = clock.now()
        revised = bool(escalation.action_plan)
        escalation.action_plan = plan
        escalation.action_plan_recorded_at = at
        escalation.save(update_fields=["action_plan", "action_plan_recorded_at"])
        event = events.record_action_plan(escalation, actor, at, revised=revised)
        touch(escalation.ticket, at)
        notices.shared(
            escalation, event, actor, "Action plan revised" if revised else "Action plan"
        )
    return escalation


def record_communication_plan(
    *,
    escalation: Escalation,
    actor: User,
    mode: str,
    update_every_hours: int,
    attendees: str,
) -> Escalation:
    """How (mode), how often and with whom updates are given; the next one is due a
    frequency from now."""
    if not access.can_handle_escalation(actor):
        raise NotAllowed("Only escalation and support managers can do this.")
    errors = FieldErrors()
    errors.choice("mode", mode, list(CommunicationMode.values))
    if not 1 <= update_every_hours <= LONGEST_UPDATE_INTERVAL_HOURS:
        errors.add("update_every_hours", f"must be from 1 to {LONGEST_UPDATE_INTERVAL_HOURS} hours")
    people = errors.text("attendees", attendees, TEXT_MAX)
    errors.check()
    with use_case():
        escalation = lock(escalation)
        require_manager(escalation)
        at = clock.now()
        escalation.communication_mode = mode
        escalation.update_every_hours = update_every_hours
        escalation.attendees = people
        next_update(escalation, at)
        escalation.save(update_fields=[*PLAN_FIELDS, *CADENCE_FIELDS])
        event = events.record_communication_plan(escalation, actor, at)
        touch(escalation.ticket, at)
        notices.shared(escalation, event, actor, "Communication plan")
    return escalation


def post_escalation_update(*, escalation: Escalation, actor: User, body: str) -> Escalation:
    """An update to the requester; the next one falls due at the agreed frequency."""
    if not access.can_handle_escalation(actor):
        raise NotAllowed("Only escalation and support managers can do this.")
    errors = FieldErrors()
    text = errors.text("body", body, TEXT_MAX)
    errors.check()
    with use_case():
        escalation = lock(escalation)
        require_manager(escalation)
        at = clock.now()
        escalation.last_update_at = at
        next_update(escalation, at)
        escalation.save(update_fields=["last_update_at", *CADENCE_FIELDS])
        event = events.record_update(escalation, actor, at, text)
        touch(escalation.ticket, at)
        notices.shared(escalation, event, actor, "Update")
    return escalation


def raise_escalation_level(
    *, escalation: Escalation, actor: User, level: int, reason: str
) -> Escalation:
    """More management attention: support lead → support manager → executive, with a reason."""
    errors = FieldErrors()
    errors.choice("level", str(level), [str(value) for value in EscalationLevel.values])
    why = errors.text("reason", reason, TEXT_MAX)
    errors.check()
    if not access.can_raise_escalation_level(actor, level):
        raise NotAllowed(f"You may not raise an escalation to {EscalationLevel(level).label}.")
    with use_case():
        escalation = lock(escalation)
        require_open(escalation)
        old = escalation.level
        if level <= old:
            raise InvalidTransition(
                f"The escalation is already at {EscalationLevel(old).label}; levels only go up."
            )
        at = clock.now()
        escalation.level = level
        escalation.save(update_fields=["level"])
        event = events.record_level_raised(escalation, actor, at, old, why)
        touch(escalation.ticket, at)
        notices.level_raised(escalation, event, actor)
    return escalation


def de_escalate(
    *, escalation: Escalation, actor: User, checklist: DeEscalationChecklist
) -> Escalation:
    """End the escalation once it is back on track; the ticket returns to normal handling.

    Refused until the action plan is recorded and accepted, the root-cause analysis is on
    track and the requester's agreement is documented: who agreed, when and how.
    """
    if not access.can_de_escalate(actor):
        raise NotAllowed("Only escalation and support managers can de-escalate.")
    with use_case():
        escalation = lock(escalation)
        require_manager(escalation)
        if not escalation.action_plan:
            raise InvalidTransition("Record the action plan before de-escalating.")
        at = clock.now()
        fields = _check_de_escalation(checklist, escalation, at)
        for name, value in fields.items():
            setattr(escalation, name, value)
        escalation.status = EscalationStatus.DE_ESCALATED
        escalation.de_escalated_at = at
        escalation.de_escalated_by = actor
        escalation.next_update_due_at = None
        escalation.save()
        event = events.record_de_escalated(escalation, actor, at)
        touch(escalation.ticket, at)
        notices.de_escalated(escalation, event, actor)
    return escalation


def _check_de_escalation(
    checklist: DeEscalationChecklist, escalation: Escalation, at: datetime
) -> dict[str, object]:
    errors = FieldErrors()
    if not checklist.action_plan_accepted:
        errors.add("action_plan_accepted", "confirm the action plan is accepted")
    if not checklist.root_cause_on_track:
        errors.add("root_cause_on_track", "confirm the root-cause analysis is on track")
    agreed_by = errors.line("agreed_by", checklist.agreed_by, NAME_MAX)
    if checklist.agreed_at is None:
        errors.add("agreed_at", "say when the requester agreed")
    elif checklist.agreed_at > at:
        errors.add("agreed_at", "must not be in the future")
    elif checklist.agreed_at < escalation.requested_at:
        errors.add("agreed_at", "must be after the escalation was requested")
    errors.choice("agreement_channel", checklist.agreement_channel, list(AgreementChannel.values))
    errors.check()
    return {
        "action_plan_accepted": True,
        "root_cause_on_track": True,
        "agreed_by": agreed_by,
        "agreed_at": checklist.agreed_at,
        "agreement_channel": checklist.agreement_channel,
    }

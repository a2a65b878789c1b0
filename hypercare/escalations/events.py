"""One function per escalation step on the ticket's timeline. Called only by the services.

Steps the requester should follow (the request, the manager, the plans, the updates,
the de-escalation) are public; management's own steps (a missed update, a raised level)
are internal. A time an event names (the next update due, the agreement to de-escalate)
is its ``new_value`` in ISO 8601, said in the reader's zone when the timeline is read.
"""

from datetime import datetime

from hypercare.accounts.models import User
from hypercare.escalations.choices import (
    AgreementChannel,
    CommunicationMode,
    EscalationEventKind,
    EscalationLevel,
    EscalationReason,
    Workaround,
)
from hypercare.escalations.models import Escalation
from hypercare.lib.times import day_text, local_text, parse_moment
from hypercare.tickets.event_kinds import Sentence, label_of
from hypercare.tickets.events import append
from hypercare.tickets.models import Ticket, TicketEvent


def _checklist(escalation: Escalation) -> str:
    lines = [
        "Problem statement confirmed as correct.",
        f"Business impact: {escalation.business_impact}",
        f"Workaround: {Workaround(escalation.workaround).label}."
        + (
            f" {escalation.workaround_impractical_because}"
            if escalation.workaround_impractical_because
            else ""
        ),
    ]
    if escalation.milestone_date is not None:
        lines.append(
            f"Critical milestone {day_text(escalation.milestone_date)}: {escalation.milestone}"
        )
    return "\n".join(lines)


def record_requested(escalation: Escalation, actor: User, at: datetime) -> TicketEvent:
    return append(
        escalation.ticket,
        EscalationEventKind.ESCALATION_REQUESTED,
        actor,
        at,
        is_internal=False,
        body=_checklist(escalation),
        new_value=str(EscalationReason(escalation.reason).label),
        reason=escalation.details,
    )


def record_manager(
    escalation: Escalation, actor: User | None, at: datetime, old: str, how: str
) -> TicketEvent:
    manager = escalation.manager.display_name if escalation.manager else ""
    return append(
        escalation.ticket,
        EscalationEventKind.ESCALATION_MANAGER,
        actor,
        at,
        is_internal=False,
        old_value=old,
        new_value=manager,
        reason=how,
    )


def record_action_plan(
    escalation: Escalation, actor: User, at: datetime, *, revised: bool
) -> TicketEvent:
    return append(
        escalation.ticket,
        EscalationEventKind.ESCALATION_ACTION_PLAN,
        actor,
        at,
        is_internal=False,
        body=escalation.action_plan,
        new_value="revised" if revised else "recorded",
    )


def communication_plan_text(escalation: Escalation) -> str:
    mode = CommunicationMode(escalation.communication_mode).label
    hours = escalation.update_every_hours
    return (
        f"{mode} every {hours} hour{'s' if hours != 1 else ''}. Attendees: {escalation.attendees}"
    )


def record_communication_plan(escalation: Escalation, actor: User, at: datetime) -> TicketEvent:
    due = escalation.next_update_due_at
    return append(
        escalation.ticket,
        EscalationEventKind.ESCALATION_COMMUNICATION_PLAN,
        actor,
        at,
        is_internal=False,
        body=communication_plan_text(escalation),
        new_value=due.isoformat() if due else "",
    )


def record_update(escalation: Escalation, actor: User, at: datetime, body: str) -> TicketEvent:
    due = escalation.next_update_due_at
    return append(
        escalation.ticket,
        EscalationEventKind.ESCALATION_UPDATE,
        actor,
        at,
        is_internal=False,
        body=body,
        new_value=due.isoformat() if due else "",
    )


def record_update_missed(escalation: Escalation, at: datetime, due_at: datetime) -> TicketEvent:
    return append(
        escalation.ticket,
        EscalationEventKind.ESCALATION_UPDATE_MISSED,
        None,
        at,
        is_internal=True,
        new_value=due_at.isoformat(),
    )


def record_level_raised(
    escalation: Escalation, actor: User, at: datetime, old: int, reason: str
) -> TicketEvent:
    return append(
        escalation.ticket,
        EscalationEventKind.ESCALATION_LEVEL_RAISED,
        actor,
        at,
        is_internal=True,
        old_value=str(old),
        new_value=str(escalation.level),
        reason=reason,
    )


def record_de_escalated(escalation: Escalation, actor: User, at: datetime) -> TicketEvent:
    agreed_at = escalation.agreed_at
    channel = AgreementChannel(escalation.agreement_channel).label.lower()
    body = (
        f"{escalation.agreed_by} agreed to de-escalate, by {channel}. "
        "The action plan is accepted and the root-cause analysis is on track."
    )
    return append(
        escalation.ticket,
        EscalationEventKind.DE_ESCALATED,
        actor,
        at,
        is_internal=False,
        body=body,
        new_value=agreed_at.isoformat() if agreed_at else "",
    )


def record_moved(escalation: Escalation, actor: User, at: datetime, duplicate: Ticket) -> None:
    """The escalation, now ``escalation.ticket``'s, left the merged ``duplicate``: said on
    both timelines (one institution's, as merges are), so each reader finds where it went."""
    survivor = escalation.ticket
    append(
        duplicate,
        EscalationEventKind.ESCALATION_MOVED_OUT,
        actor,
        at,
        is_internal=False,
        new_value=survivor.reference,
    )
    append(
        survivor,
        EscalationEventKind.ESCALATION_MOVED_IN,
        actor,
        at,
        is_internal=False,
        old_value=duplicate.reference,
    )


def record_closed_by_merge(
    escalation: Escalation, actor: User, at: datetime, survivor: Ticket
) -> None:
    """The merged ticket's escalation ends: the survivor's own open escalation carries on."""
    duplicate = escalation.ticket
    note = f"{survivor.reference} is escalated already; its escalation carries on for both."
    for ticket in (duplicate, survivor):
        append(
            ticket,
            EscalationEventKind.ESCALATION_CLOSED_BY_MERGE,
            actor,
            at,
            is_internal=False,
            old_value=duplicate.reference,
            new_value=survivor.reference,
            body=note,
        )


def _then(words: str, event: TicketEvent) -> str:
    """The instant an event keeps as its value, in the reader's zone, after ``words``."""
    moment = parse_moment(event.new_value)
    return f"{words} {local_text(moment.at)}" if moment else ""


def _manager(actor: str, event: TicketEvent) -> str:
    if event.actor is None:
        return f"{event.new_value} is the escalation manager"
    if event.old_value:
        return f"{actor} made {event.new_value} the escalation manager instead of {event.old_value}"
    return f"{actor} made {event.new_value} the escalation manager"


SENTENCES: dict[str, Sentence] = {
    EscalationEventKind.ESCALATION_REQUESTED: lambda actor, event: (
        f"{actor} requested an escalation: {event.new_value}"
    ),
    EscalationEventKind.ESCALATION_MANAGER: _manager,
    EscalationEventKind.ESCALATION_ACTION_PLAN: lambda actor, event: (
        f"{actor} {event.new_value} the escalation's action plan"
    ),
    EscalationEventKind.ESCALATION_COMMUNICATION_PLAN: lambda actor, event: (
        f"{actor} agreed the communication plan{_then(', next update due', event)}"
    ),
    EscalationEventKind.ESCALATION_UPDATE: lambda actor, event: (
        f"{actor} posted an escalation update{_then(', next update due', event)}"
    ),
    EscalationEventKind.ESCALATION_UPDATE_MISSED: lambda actor, event: (
        f"An escalation update was missed{_then(': it was due', event)}"
    ),
    EscalationEventKind.ESCALATION_LEVEL_RAISED: lambda actor, event: (
        f"{actor} raised the escalation from {label_of(EscalationLevel, event.old_value)} "
        f"to {label_of(EscalationLevel, event.new_value)}"
    ),
    EscalationEventKind.DE_ESCALATED: lambda actor, event: (
        f"{actor} de-escalated the ticket{_then(', as agreed on', event)}"
    ),
    EscalationEventKind.ESCALATION_MOVED_OUT: lambda actor, event: (
        f"{actor} merged this ticket: its escalation continues on {event.new_value}"
    ),
    EscalationEventKind.ESCALATION_MOVED_IN: lambda actor, event: (
        f"{actor} merged {event.old_value} into this ticket: its escalation continues here"
    ),
    EscalationEventKind.ESCALATION_CLOSED_BY_MERGE: lambda actor, event: (
        f"{actor} closed the escalation of {event.old_value} when merging it: "
        f"the escalation of {event.new_value} continues"
    ),
}

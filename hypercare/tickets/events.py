"""One function per timeline event type. Called only by services, inside their transaction."""

from collections.abc import Sequence
from datetime import datetime

from hypercare.accounts.models import User
from hypercare.tickets.choices import EventKind
from hypercare.tickets.models import HandOver, Ticket, TicketEvent

# What a timeline row shows of a value (a file name may be longer).
VALUE_LENGTH = TicketEvent._meta.get_field("new_value").max_length or 200


def _append(
    ticket: Ticket,
    kind: str,
    actor: User | None,
    at: datetime,
    *,
    is_internal: bool = False,
    body: str = "",
    old_value: str = "",
    new_value: str = "",
    reason: str = "",
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        created_at=at,
        is_internal=is_internal,
        body=body,
        old_value=old_value[:VALUE_LENGTH],
        new_value=new_value[:VALUE_LENGTH],
        reason=reason,
    )


def record_created(ticket: Ticket, actor: User, at: datetime) -> TicketEvent:
    return _append(ticket, EventKind.CREATED, actor, at, new_value=ticket.status)


def record_public_reply(ticket: Ticket, actor: User, at: datetime, body: str) -> TicketEvent:
    return _append(ticket, EventKind.PUBLIC_REPLY, actor, at, body=body)


def record_internal_note(ticket: Ticket, actor: User, at: datetime, body: str) -> TicketEvent:
    return _append(ticket, EventKind.INTERNAL_NOTE, actor, at, body=body, is_internal=True)


def record_status_change(
    ticket: Ticket, actor: User | None, at: datetime, old: str, new: str, reason: str = ""
) -> TicketEvent:
    return _append(
        ticket, EventKind.STATUS_CHANGED, actor, at, old_value=old, new_value=new, reason=reason
    )


def record_reopened(ticket: Ticket, actor: User, at: datetime, old: str) -> TicketEvent:
    return _append(ticket, EventKind.REOPENED, actor, at, old_value=old, new_value=ticket.status)


def record_priority_change(
    ticket: Ticket, actor: User | None, at: datetime, old: str, new: str, reason: str
) -> TicketEvent:
    return _append(
        ticket, EventKind.PRIORITY_CHANGED, actor, at, old_value=old, new_value=new, reason=reason
    )


def record_category_change(
    ticket: Ticket, actor: User, at: datetime, old: str, new: str, reason: str
) -> TicketEvent:
    return _append(
        ticket, EventKind.CATEGORY_CHANGED, actor, at, old_value=old, new_value=new, reason=reason
    )


def record_module_change(
    ticket: Ticket, actor: User, at: datetime, old: str, new: str, reason: str
) -> TicketEvent:
    return _append(
        ticket, EventKind.MODULE_CHANGED, actor, at, old_value=old, new_value=new, reason=reason
    )


def record_assignment(
    ticket: Ticket, actor: User | None, at: datetime, old: str, new: str, reason: str
) -> TicketEvent:
    return _append(
        ticket, EventKind.ASSIGNED, actor, at, old_value=old, new_value=new, reason=reason
    )


def record_team_change(
    ticket: Ticket, actor: User | None, at: datetime, old: str, new: str, reason: str
) -> TicketEvent:
    return _append(
        ticket, EventKind.TEAM_CHANGED, actor, at, old_value=old, new_value=new, reason=reason
    )


def record_tier_change(
    ticket: Ticket, actor: User | None, at: datetime, old: int, new: int, note: str
) -> TicketEvent:
    return _append(
        ticket,
        EventKind.TIER_CHANGED,
        actor,
        at,
        old_value=str(old),
        new_value=str(new),
        reason=note,
    )


def record_handover(event: TicketEvent, *, tried: str, findings: str, needed: str) -> HandOver:
    """The structured note of a move up a tier, kept with that tier-change event."""
    return HandOver.objects.create(event=event, tried=tried, findings=findings, needed=needed)


def record_escalation_step(
    ticket: Ticket,
    kind: str,
    actor: User | None,
    at: datetime,
    *,
    is_internal: bool,
    body: str = "",
    old_value: str = "",
    new_value: str = "",
    reason: str = "",
) -> TicketEvent:
    """A step of an escalation (``hypercare.escalations.events``) on the ticket's timeline."""
    return _append(
        ticket,
        kind,
        actor,
        at,
        is_internal=is_internal,
        body=body,
        old_value=old_value[:VALUE_LENGTH],
        new_value=new_value[:VALUE_LENGTH],
        reason=reason,
    )


def record_release_planned(
    ticket: Ticket, actor: User, at: datetime, old: str, new: str
) -> TicketEvent:
    """The release the fix ships in, by version; empty when none (planned or cleared)."""
    return _append(ticket, EventKind.RELEASE_PLANNED, actor, at, old_value=old, new_value=new)


def record_shipped(
    tickets: Sequence[Ticket], actor: User, at: datetime, version: str
) -> list[TicketEvent]:
    """One public event per ticket of a release shipping, inserted together."""
    return TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket=ticket,
                kind=EventKind.SHIPPED,
                actor=actor,
                created_at=at,
                new_value=version[:VALUE_LENGTH],
            )
            for ticket in tickets
        ]
    )


def record_attachment_added(
    ticket: Ticket, actor: User, at: datetime, name: str, *, is_internal: bool
) -> TicketEvent:
    return _append(
        ticket, EventKind.ATTACHMENT_ADDED, actor, at, new_value=name, is_internal=is_internal
    )


def _sla_event(kind: str, ticket: Ticket, clock: str, at: datetime) -> TicketEvent:
    due_at = getattr(ticket, f"{clock}_due_at")
    return TicketEvent(
        ticket=ticket,
        kind=kind,
        actor=None,
        created_at=at,
        is_internal=True,
        new_value=clock,
        reason=f"Due {due_at.isoformat()}" if due_at else "",
    )


def record_sla_warnings(clocks: Sequence[tuple[Ticket, str]], at: datetime) -> list[TicketEvent]:
    """One internal warning event per (ticket, clock), inserted together: the sweep's batch."""
    return TicketEvent.objects.bulk_create(
        [_sla_event(EventKind.SLA_WARNING, ticket, clock, at) for ticket, clock in clocks]
    )


def record_sla_breaches(clocks: Sequence[tuple[Ticket, str]], at: datetime) -> list[TicketEvent]:
    """One internal breach event per (ticket, clock), inserted together."""
    return TicketEvent.objects.bulk_create(
        [_sla_event(EventKind.SLA_BREACHED, ticket, clock, at) for ticket, clock in clocks]
    )

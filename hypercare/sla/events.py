"""The SLA engine's events on a ticket's timeline, and how they read. Called only by the
sweep and the services, inside their transaction; internal to support staff."""

from collections.abc import Sequence
from datetime import datetime

from hypercare.sla.choices import SlaEventKind
from hypercare.tickets.event_kinds import Sentence
from hypercare.tickets.models import Ticket, TicketEvent


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
        [_sla_event(SlaEventKind.SLA_WARNING, ticket, clock, at) for ticket, clock in clocks]
    )


def record_sla_breaches(clocks: Sequence[tuple[Ticket, str]], at: datetime) -> list[TicketEvent]:
    """One internal breach event per (ticket, clock), inserted together."""
    return TicketEvent.objects.bulk_create(
        [_sla_event(SlaEventKind.SLA_BREACHED, ticket, clock, at) for ticket, clock in clocks]
    )


SENTENCES: dict[str, Sentence] = {
    SlaEventKind.SLA_WARNING: lambda actor, event: f"{actor}: SLA warning",
    SlaEventKind.SLA_BREACHED: lambda actor, event: f"{actor}: SLA breached",
}

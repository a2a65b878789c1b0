"""The SLA engine's events on a ticket's timeline, and how they read. Called only by the
sweep and the services, inside their transaction; internal to support staff.

An event keeps the clock's name (``new_value``) and the due time it had (``old_value``,
ISO 8601): a value, said in the reader's zone when the timeline is read.
"""

from collections.abc import Sequence
from datetime import datetime

from hypercare.lib.times import local_text, parse_moment
from hypercare.sla.choices import SlaEventKind
from hypercare.sla.clocks import CLOCK_LABELS
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
        old_value=due_at.isoformat() if due_at else "",
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


def _sentence(what: str, due_word: str) -> Sentence:
    def sentence(actor: str, event: TicketEvent) -> str:
        clock = CLOCK_LABELS.get(event.new_value, event.new_value)
        due = parse_moment(event.old_value)
        return f"{actor}: {what}" + (f", {clock} {due_word} {local_text(due.at)}" if due else "")

    return sentence


SENTENCES: dict[str, Sentence] = {
    SlaEventKind.SLA_WARNING: _sentence("SLA warning", "due"),
    SlaEventKind.SLA_BREACHED: _sentence("SLA breached", "was due"),
}

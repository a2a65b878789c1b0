"""A change's history, and its steps on its linked tickets' timelines. Called only by
the change services, inside their transaction.

The ticket entries name the change's reference and how it stands, never another
institution, an approver's comment or an evidence note. They are public on the tickets
of the institutions that read the change (``access.institutions_reading_change``) and
internal on any other.
"""

from collections.abc import Iterable
from datetime import datetime

from hypercare import access
from hypercare.accounts.models import User
from hypercare.changes.choices import ChangeEventKind, ChangeTicketEventKind
from hypercare.changes.models import ChangeEvent, ChangeRequest
from hypercare.tickets.event_kinds import Sentence
from hypercare.tickets.events import VALUE_LENGTH, append
from hypercare.tickets.models import Ticket


def record(
    change: ChangeRequest,
    kind: str,
    actor: User | None,
    at: datetime,
    *,
    value: str = "",
    body: str = "",
) -> ChangeEvent:
    """One step of the change's history."""
    return ChangeEvent.objects.create(
        change=change, kind=kind, actor=actor, created_at=at, value=value[:VALUE_LENGTH], body=body
    )


def on_tickets(
    change: ChangeRequest,
    kind: str,
    actor: User | None,
    at: datetime,
    *,
    tickets: Iterable[Ticket] | None = None,
) -> None:
    """The step on the timeline of each ticket linked to the change (or of ``tickets``,
    one linked or unlinked now)."""
    readers = access.institutions_reading_change(change)
    for ticket in change.tickets.order_by("pk") if tickets is None else tickets:
        append(
            ticket,
            kind,
            actor,
            at,
            is_internal=ticket.institution_id not in readers,
            new_value=f"{change.reference} {change.status}",
        )


def _status_of(value: str) -> str:
    return value.split(" ", 1)[-1].replace("_", " ")


def _reference_of(value: str) -> str:
    return value.split(" ", 1)[0]


TICKET_SENTENCES: dict[str, Sentence] = {
    ChangeTicketEventKind.CHANGE_LINKED: lambda actor, event: (
        f"{actor} linked the ticket to change request {_reference_of(event.new_value)}"
    ),
    ChangeTicketEventKind.CHANGE_UNLINKED: lambda actor, event: (
        f"{actor} unlinked the ticket from change request {_reference_of(event.new_value)}"
    ),
    ChangeTicketEventKind.CHANGE_DECIDED: lambda actor, event: (
        f"Change request {_reference_of(event.new_value)} was {_status_of(event.new_value)}"
    ),
    ChangeTicketEventKind.CHANGE_TESTED: lambda actor, event: (
        f"{actor} recorded test evidence for change request {_reference_of(event.new_value)}"
    ),
    ChangeTicketEventKind.CHANGE_DONE: lambda actor, event: (
        f"{actor} recorded change request {_reference_of(event.new_value)} as "
        f"{_status_of(event.new_value)}"
    ),
}


def describe(event: ChangeEvent) -> str:
    """One sentence for a step of the change's history."""
    actor = event.actor.display_name if event.actor else "Hypercare"
    sentences: dict[str, str] = {
        ChangeEventKind.CREATED: f"{actor} raised the change",
        ChangeEventKind.CHANGED: f"{actor} changed {event.value}",
        ChangeEventKind.SUBMITTED: f"{actor} submitted it for approval by {event.value}",
        ChangeEventKind.APPROVED: f"{actor} approved it as {event.value}",
        ChangeEventKind.REJECTED: f"{actor} rejected it as {event.value}",
        ChangeEventKind.EVIDENCE: f"{actor} recorded test evidence ({event.value})",
        ChangeEventKind.IMPLEMENTED: f"{actor} recorded it as implemented",
        ChangeEventKind.ROLLED_BACK: f"{actor} recorded it as rolled back",
        ChangeEventKind.CANCELLED: f"{actor} cancelled it",
        ChangeEventKind.RELEASE_PLANNED: (
            f"{actor} planned it for release {event.value}"
            if event.value
            else f"{actor} took it off its release"
        ),
        ChangeEventKind.SHIPPED: f"It shipped in release {event.value}",
        ChangeEventKind.TICKET_LINKED: f"{actor} linked ticket {event.value}",
        ChangeEventKind.TICKET_UNLINKED: f"{actor} unlinked ticket {event.value}",
        ChangeEventKind.PROBLEM_LINKED: f"{actor} linked problem {event.value}",
        ChangeEventKind.PROBLEM_UNLINKED: f"{actor} unlinked problem {event.value}",
    }
    return sentences.get(event.kind, event.kind)

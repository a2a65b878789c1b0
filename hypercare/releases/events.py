"""A ticket's release plan and shipping on its timeline, and how they read. Called only
by the release services, inside their transaction."""

from collections.abc import Sequence
from datetime import datetime

from hypercare.accounts.models import User
from hypercare.releases.choices import ReleaseEventKind
from hypercare.tickets.event_kinds import Sentence
from hypercare.tickets.events import VALUE_LENGTH, append
from hypercare.tickets.models import Ticket, TicketEvent


def record_release_planned(
    ticket: Ticket, actor: User, at: datetime, old: str, new: str
) -> TicketEvent:
    """The release the fix ships in, by version; empty when none (planned or cleared)."""
    return append(ticket, ReleaseEventKind.RELEASE_PLANNED, actor, at, old_value=old, new_value=new)


def record_shipped(
    tickets: Sequence[Ticket], actor: User, at: datetime, version: str
) -> list[TicketEvent]:
    """One public event per ticket of a release shipping, inserted together."""
    return TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket=ticket,
                kind=ReleaseEventKind.SHIPPED,
                actor=actor,
                created_at=at,
                new_value=version[:VALUE_LENGTH],
            )
            for ticket in tickets
        ]
    )


def record_note_worded(
    ticket: Ticket, actor: User, at: datetime, version: str, text: str
) -> TicketEvent:
    """Internal: how the ticket's fix is announced in the release's notes, as worded."""
    return append(
        ticket,
        ReleaseEventKind.NOTE_WORDED,
        actor,
        at,
        is_internal=True,
        new_value=version,
        body=text,
    )


def _release_planned(actor: str, event: TicketEvent) -> str:
    if not event.new_value:
        return f"{actor} took the ticket off release {event.old_value}"
    if event.old_value:
        return f"{actor} moved the fix from release {event.old_value} to {event.new_value}"
    return f"{actor} planned the fix for release {event.new_value}"


SENTENCES: dict[str, Sentence] = {
    ReleaseEventKind.RELEASE_PLANNED: _release_planned,
    ReleaseEventKind.SHIPPED: lambda actor, event: f"The fix shipped in release {event.new_value}",
    ReleaseEventKind.NOTE_WORDED: lambda actor, event: (
        f"{actor} worded this ticket's line in the notes of release {event.new_value}"
    ),
}

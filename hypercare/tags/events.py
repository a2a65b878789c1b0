"""Tags on a ticket's timeline, and how each reads. Called only by the tag services,
inside their transaction. Always internal: institutions never see tags."""

from datetime import datetime

from hypercare.accounts.models import User
from hypercare.tags.choices import TagEventKind
from hypercare.tickets.event_kinds import Sentence
from hypercare.tickets.events import append
from hypercare.tickets.models import Ticket, TicketEvent


def record_tagged(ticket: Ticket, actor: User, at: datetime, name: str) -> TicketEvent:
    return append(ticket, TagEventKind.TAGGED, actor, at, is_internal=True, new_value=name)


def record_untagged(ticket: Ticket, actor: User, at: datetime, name: str) -> TicketEvent:
    return append(ticket, TagEventKind.UNTAGGED, actor, at, is_internal=True, old_value=name)


SENTENCES: dict[str, Sentence] = {
    TagEventKind.TAGGED: lambda actor, event: f"{actor} tagged this ticket “{event.new_value}”",
    TagEventKind.UNTAGGED: lambda actor, event: f"{actor} removed the tag “{event.old_value}”",
}

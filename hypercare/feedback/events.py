"""A product idea's steps on its tickets' timelines, written by the feedback services."""

from datetime import datetime

from hypercare.accounts.models import User
from hypercare.feedback.choices import IdeaTicketEventKind
from hypercare.feedback.models import Idea
from hypercare.tickets.event_kinds import Sentence
from hypercare.tickets.events import append
from hypercare.tickets.models import Ticket, TicketEvent


def record_linked(ticket: Ticket, idea: Idea, actor: User, at: datetime) -> TicketEvent:
    return append(ticket, IdeaTicketEventKind.IDEA_LINKED, actor, at, new_value=idea.title)


def record_status_changed(
    ticket: Ticket, idea: Idea, actor: User, at: datetime, old: str, said: str
) -> TicketEvent:
    return append(
        ticket,
        IdeaTicketEventKind.IDEA_STATUS_CHANGED,
        actor,
        at,
        old_value=old,
        new_value=idea.status,
        body=said,
    )


SENTENCES: dict[str, Sentence] = {
    IdeaTicketEventKind.IDEA_LINKED: lambda actor, event: (
        f"{actor} recorded the request as the product idea “{event.new_value}”"
    ),
    IdeaTicketEventKind.IDEA_STATUS_CHANGED: lambda actor, event: (
        f"{actor} changed the product idea's status: {event.body}"
    ),
}

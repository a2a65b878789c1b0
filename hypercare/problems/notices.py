"""Which notifications a problem's step queues, and for whom. Called inside services.

Each notice is about one ticket and goes to its requester side only (the requester and
who reported for them), so nobody hears of another institution's ticket.
"""

from collections.abc import Sequence

from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import Notice, notify_many
from hypercare.tickets.models import Ticket, TicketEvent


def _notices(entries: Sequence[tuple[Ticket, TicketEvent]], **context: str) -> list[Notice]:
    return [
        Notice(ticket, [ticket.requester, ticket.reported_by], f"event:{event.pk}", context)
        for ticket, event in entries
    ]


def workaround_posted(entries: Sequence[tuple[Ticket, TicketEvent]], workaround: str) -> None:
    notify_many(
        event=NotificationEvent.WORKAROUND_PUBLISHED,
        notices=_notices(entries, workaround=workaround),
    )


def fix_shipped(entries: Sequence[tuple[Ticket, TicketEvent]], version: str) -> None:
    """The same "fixed in release X" a ticket planned for the release gets."""
    notify_many(event=NotificationEvent.TICKET_SHIPPED, notices=_notices(entries, version=version))

"""Which notifications a ticket change queues, and for whom. Called inside services."""

from django.conf import settings

from hypercare.accounts.models import User
from hypercare.knowledge.selectors import suggested_articles
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import notify
from hypercare.tickets import resolution
from hypercare.tickets.category_details import readable_answers
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket, TicketEvent

MAILED_SUGGESTIONS = 3


def requester_side(ticket: Ticket, actor: User | None) -> list[User | None]:
    """Who a ticket's public news goes to: the requester, whoever reported for them and
    the ticket's participants, but never the person who acted."""
    participants = User.objects.filter(participations__ticket=ticket)
    people = (ticket.requester, ticket.reported_by, *participants)
    return [person for person in people if person != actor]


def ticket_received(ticket: Ticket, event: TicketEvent) -> None:
    """The reference at once, with what was reported: the category's answers, labelled
    as the form asked them, times in the requester's zone; and the help articles that
    may already answer it, as the report form would have suggested them to the requester
    (so only articles they may read)."""
    notify(
        event=NotificationEvent.TICKET_RECEIVED,
        ticket=ticket,
        recipients=[ticket.requester],
        cause=f"event:{event.pk}",
        context={"answers": readable_answers(ticket), "articles": _suggested(ticket)},
    )


def _suggested(ticket: Ticket) -> list[dict[str, str]]:
    found = suggested_articles(
        ticket.requester,
        ticket.module.code,
        f"{ticket.title}\n{ticket.description}",
        MAILED_SUGGESTIONS,
    )
    return [
        {"title": article.title, "url": f"{settings.SITE_URL}/portal/knowledge/{article.pk}/"}
        for article in found
    ]


def public_reply(ticket: Ticket, event: TicketEvent, actor: User, *, from_support: bool) -> None:
    recipients = requester_side(ticket, actor) if from_support else [ticket.assignee]
    notify(
        event=NotificationEvent.PUBLIC_REPLY,
        ticket=ticket,
        recipients=recipients,
        cause=f"event:{event.pk}",
        context={"author": actor.display_name, "body": event.body},
    )


def status_changed(ticket: Ticket, event: TicketEvent, actor: User | None) -> None:
    """The requester side hears of a new status; a resolution says how, with the note
    that is also on their timeline (a major incident's resolution, say), and runs the
    other domains' resolution steps (``resolution``)."""
    resolved = ticket.status == Status.RESOLVED
    notify(
        event=NotificationEvent.TICKET_RESOLVED if resolved else NotificationEvent.STATUS_CHANGED,
        ticket=ticket,
        recipients=requester_side(ticket, actor),
        cause=f"event:{event.pk}",
        context={"note": event.reason if resolved else ""},
    )
    if resolved:
        resolution.resolved(ticket, event)


def assigned(ticket: Ticket, event: TicketEvent, actor: User | None) -> None:
    if ticket.assignee is None or ticket.assignee == actor:
        return
    notify(
        event=NotificationEvent.TICKET_ASSIGNED,
        ticket=ticket,
        recipients=[ticket.assignee],
        cause=f"event:{event.pk}",
    )

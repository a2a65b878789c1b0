"""Which notifications a ticket change queues, and for whom. Called inside services."""

from django.conf import settings
from django.db.models import Q, QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.knowledge.selectors import suggested_articles
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import notify
from hypercare.tickets import resolution
from hypercare.tickets.category_details import readable_answers
from hypercare.tickets.choices import Status
from hypercare.tickets.mentions import mentioned_usernames
from hypercare.tickets.models import Ticket, TicketEvent

MAILED_SUGGESTIONS = 3


def requester_side(ticket: Ticket, actor: User | None) -> list[User | None]:
    """Who a ticket's public news goes to: the requester, whoever reported for them and
    the ticket's watchers, but never the person who acted."""
    people = (ticket.requester, ticket.reported_by, *watchers(ticket))
    return [person for person in people if person != actor]


def watchers(ticket: Ticket) -> QuerySet[User]:
    """The ticket's watchers who may still read it: support staff, and people of its
    institution (a watcher who moved to another institution no longer sees it)."""
    may_see = Q(institution_id=ticket.institution_id) | access.staff_scope()
    return User.objects.filter(may_see, participations__ticket=ticket)


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
    """A reply from support goes to the requester side; one from the requester side to
    the ticket's owner and the rest of the requester side: a watching colleague's reply
    reaches the requester, the requester's reaches the colleagues watching."""
    recipients = requester_side(ticket, actor)
    if not from_support:
        recipients.append(ticket.assignee)
    notify(
        event=NotificationEvent.PUBLIC_REPLY,
        ticket=ticket,
        recipients=recipients,
        cause=f"event:{event.pk}",
        context={"author": actor.display_name, "body": event.body},
    )


def internal_note(ticket: Ticket, event: TicketEvent, actor: User) -> None:
    """Support staff mentioned in the note (``@username``) hear they were; the other
    support staff watching the ticket hear of the note. Only support staff, whoever the
    note names or whoever watches: an internal note never reaches an institution's
    people."""
    staff = User.objects.filter(access.staff_scope()).exclude(pk=actor.pk)
    mentioned = list(staff.filter(username__in=mentioned_usernames(event.body)))
    watching = staff.filter(participations__ticket=ticket).exclude(
        pk__in=[person.pk for person in mentioned]
    )
    context = {"author": actor.display_name, "body": event.body}
    cause = f"event:{event.pk}"
    notify(
        event=NotificationEvent.MENTIONED,
        ticket=ticket,
        recipients=mentioned,
        cause=cause,
        context=context,
    )
    notify(
        event=NotificationEvent.INTERNAL_NOTE,
        ticket=ticket,
        recipients=watching,
        cause=cause,
        context=context,
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

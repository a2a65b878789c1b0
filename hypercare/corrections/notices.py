"""Which notifications a data correction's step queues, and for whom. Called inside
the correction services."""

from django.conf import settings

from hypercare.accounts.models import User
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import notify
from hypercare.tickets.models import Ticket, TicketEvent


def decision_address(ticket: Ticket) -> str:
    """The portal page where the data owner reads the record and signs it off."""
    return f"{settings.SITE_URL}/portal/tickets/{ticket.pk}/correction/decision/"


def sign_off_requested(ticket: Ticket, event: TicketEvent, data_owner: User) -> None:
    """To the data owner, with the link to the ticket where they read and decide."""
    notify(
        event=NotificationEvent.CORRECTION_SIGN_OFF_REQUESTED,
        ticket=ticket,
        recipients=[data_owner],
        cause=f"event:{event.pk}",
    )


def sign_off_decided(ticket: Ticket, event: TicketEvent, *, signed_off: bool) -> None:
    """To the agent who owns the ticket: the correction may go ahead, or must change."""
    notify(
        event=NotificationEvent.CORRECTION_SIGN_OFF_DECIDED,
        ticket=ticket,
        recipients=[ticket.assignee],
        cause=f"event:{event.pk}",
        context={"signed_off": signed_off, "data_owner": event.actor, "comment": event.body},
    )


def applied(ticket: Ticket, event: TicketEvent) -> None:
    """To the requester side: the correction is made, please check it."""
    notify(
        event=NotificationEvent.CORRECTION_APPLIED,
        ticket=ticket,
        recipients=[ticket.requester, ticket.reported_by],
        cause=f"event:{event.pk}",
    )


def not_right(ticket: Ticket, event: TicketEvent) -> None:
    """To the agent who owns the ticket, with the requester's words."""
    notify(
        event=NotificationEvent.CORRECTION_NOT_RIGHT,
        ticket=ticket,
        recipients=[ticket.assignee],
        cause=f"event:{event.pk}",
        context={"requester": event.actor, "comment": event.body},
    )

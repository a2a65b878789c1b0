"""Read queries for notifications: a person's own choices and their notification centre."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from hypercare.accounts.models import User
from hypercare.notifications.choices import REQUESTER_EVENTS, Channel, NotificationEvent
from hypercare.notifications.models import InAppNotification, NotificationPreference
from hypercare.tickets.selectors import visible_tickets


@dataclass(frozen=True)
class Preference:
    event: str
    label: str
    email: bool
    in_app: bool

    @property
    def channel(self) -> Channel:
        return Channel.of(email=self.email, in_app=self.in_app)


def notification_preferences(user: User) -> list[Preference]:
    """Every event with how ``user`` receives it; no stored choice means mail and in-app."""
    chosen = {
        event: (email, in_app)
        for event, email, in_app in NotificationPreference.objects.filter(user=user).values_list(
            "event", "email", "in_app"
        )
    }
    return [
        Preference(event.value, event.label, *chosen.get(event.value, (True, True)))
        for event in NotificationEvent
    ]


def receivable_preferences(user: User) -> list[Preference]:
    """The choices that matter to ``user``: an institution user's requests' news only."""
    preferences = notification_preferences(user)
    if user.institution_id is None:
        return preferences
    return [choice for choice in preferences if choice.event in REQUESTER_EVENTS]


def own_notifications(user: User, *, unread: bool | None = None) -> QuerySet[InAppNotification]:
    """``user``'s notification centre, newest first: theirs alone, whoever else is asking.

    ``unread`` True keeps the unread ones, False the read ones, None all.
    """
    found = InAppNotification.objects.filter(recipient=user)
    if unread is not None:
        found = found.filter(read_at__isnull=unread)
    return found


def unread_count(user: User) -> int:
    """How many of ``user``'s notifications are unread: the bell's number, polled by every
    open tab, so one count on the partial index of unread rows."""
    return InAppNotification.objects.filter(recipient=user, read_at__isnull=True).count()


@dataclass(frozen=True)
class NotificationRow:
    """A notification as its recipient is shown it.

    ``ticket_id`` and ``subject`` are given only while the recipient may still see the
    ticket: one moved to another institution, or whose follower was removed, must not
    go on telling its title. The event's label says what it was about instead.
    """

    id: int
    event: str
    label: str
    subject: str
    ticket_id: int | None
    created_at: datetime
    read_at: datetime | None


HIDDEN_TICKET = "About a ticket you can no longer see"


def shown_notifications(
    user: User, notifications: list[InAppNotification]
) -> list[NotificationRow]:
    """``notifications`` (``user``'s own) as ``user`` may be shown them, in one query for
    the tickets they may still see."""
    tickets = {row.ticket_id for row in notifications if row.ticket_id is not None}
    seen = (
        set(visible_tickets(user).filter(pk__in=tickets).values_list("pk", flat=True))
        if tickets
        else set()
    )
    return [_row(notification, seen) for notification in notifications]


def _row(notification: InAppNotification, seen: set[int]) -> NotificationRow:
    hidden = notification.ticket_id is not None and notification.ticket_id not in seen
    return NotificationRow(
        id=notification.pk,
        event=notification.event,
        label=notification.get_event_display(),
        subject=HIDDEN_TICKET if hidden else notification.subject,
        ticket_id=None if hidden else notification.ticket_id,
        created_at=notification.created_at,
        read_at=notification.read_at,
    )

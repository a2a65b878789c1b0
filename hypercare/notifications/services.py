"""Queueing notifications, and people's choice of which ones they receive.

``notify`` is called by other services inside their own transaction, so a notification
is queued if and only if the change that causes it is committed.
"""

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.template import Context, Template
from django.utils import timezone

from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.lib import clock
from hypercare.lib.text import one_line
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.mail.outgoing import new_message_id
from hypercare.notifications.choices import Channel, NotificationEvent
from hypercare.notifications.defaults import DEFAULT_TEMPLATES
from hypercare.notifications.models import (
    InAppNotification,
    NotificationPreference,
    NotificationTemplate,
    OutboxMessage,
)
from hypercare.setup_cache import cached
from hypercare.tickets.models import Ticket

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """One cause to tell some people about (``notify_many`` queues many at once)."""

    ticket: Ticket | None
    recipients: Sequence[User | None]
    cause: str
    context: Mapping[str, Any] = field(default_factory=dict)


def notify(
    *,
    event: str,
    ticket: Ticket | None,
    recipients: Iterable[User | None],
    cause: str,
    context: dict[str, Any] | None = None,
) -> None:
    """Queue ``event`` for each recipient who has an address and has not opted out.

    ``cause`` names what happened (a timeline event id, "sla:resolution:breach"); with the
    event, ticket and recipient it forms the dedupe key, so queueing the same cause twice
    queues nothing more. A notification about no one ticket (a daily digest) has none.
    """
    notice = Notice(ticket, list(recipients), cause, context or {})
    notify_many(event=event, notices=[notice])


def notify_many(*, event: str, notices: Sequence[Notice]) -> None:
    """Queue one event for many causes with one template, preference and insert query each.

    Each person receives it as they chose (``Channel``): an outbox mail when they want mail
    and have an address, a notification in their notification centre when they want it
    there, both written here so neither can be committed without the change or the other.
    A sweep that breaches hundreds of tickets must not pay a dozen queries per ticket.
    A cause queued before keeps its message: the unique dedupe key drops the new one,
    also when two workers queue the same cause at once.
    """
    people = {
        person.pk: person
        for notice in notices
        for person in notice.recipients
        if person is not None
    }
    if not people:
        return
    # Each recipient's zone may be their institution's: one query for them all.
    prefetch_related_objects(list(people.values()), "institution")
    chosen = {
        user_id: (email, in_app)
        for user_id, email, in_app in NotificationPreference.objects.filter(
            user_id__in=people, event=event
        ).values_list("user_id", "email", "in_app")
    }
    subject, body = _compiled_template(event)
    at = clock.now()
    messages: dict[str, OutboxMessage] = {}
    shown: dict[str, InAppNotification] = {}
    for notice in notices:
        for person in notice.recipients:
            if person is None:
                continue
            key = f"{event}:{notice.ticket.pk if notice.ticket else '-'}:{notice.cause}:{person.pk}"
            email, in_app = chosen.get(person.pk, (True, True))
            email = email and bool(person.email) and key not in messages
            in_app = in_app and key not in shown
            if not (email or in_app):
                continue
            values = Context(
                {
                    "ticket": notice.ticket,
                    "recipient": person,
                    "link": _link(notice.ticket),
                    **notice.context,
                },
                autoescape=False,
            )
            # Times in the context read in the recipient's zone, as on their pages.
            with timezone.override(ZoneInfo(people[person.pk].viewing_time_zone)):
                subject_text = one_line(subject.render(values))[:250]
                body_text = body.render(values) if email else ""
            if email:
                messages[key] = OutboxMessage(
                    event=event,
                    ticket=notice.ticket,
                    recipient=person,
                    to_email=person.email,
                    subject=subject_text,
                    body=body_text,
                    dedupe_key=key,
                    message_id=new_message_id(),
                    next_attempt_at=at,
                    created_at=at,
                )
            if in_app:
                shown[key] = InAppNotification(
                    recipient=person,
                    event=event,
                    ticket=notice.ticket,
                    subject=subject_text,
                    dedupe_key=key,
                    created_at=at,
                )
    OutboxMessage.objects.bulk_create(messages.values(), ignore_conflicts=True)
    InAppNotification.objects.bulk_create(shown.values(), ignore_conflicts=True)


def notify_address(
    *,
    event: str,
    to_email: str,
    cause: str,
    context: dict[str, Any],
    ticket: Ticket | None = None,
) -> None:
    """Queue ``event`` once for an address that may belong to nobody on the desk (the
    sender of a mail refused at intake, a vendor's contact); ``cause`` makes queueing it
    again a no-op. With ``ticket``, the mail belongs to its thread: an answer to it is
    matched to the ticket by its Message-ID."""
    subject, body = _compiled_template(event)
    values = Context({"recipient": None, "link": _link(None), **context}, autoescape=False)
    at = clock.now()
    message = OutboxMessage(
        event=event,
        ticket=ticket,
        to_email=to_email,
        subject=one_line(subject.render(values))[:250],
        body=body.render(values),
        dedupe_key=f"{event}:-:{cause}:{to_email}"[:200],
        message_id=new_message_id(),
        next_attempt_at=at,
        created_at=at,
    )
    OutboxMessage.objects.bulk_create([message], ignore_conflicts=True)


def _compiled_template(event: str) -> tuple[Template, Template]:
    """The event's subject and body templates, compiled once per setup revision.

    A missing row (deleted in the database, flushed) must not fail the change that
    notifies: opening a ticket would answer 500. The built-in wording stands in, with a
    warning once per setup revision, until the row is restored.
    """

    def load() -> tuple[Template, Template]:
        rows = NotificationTemplate.objects.filter(event=event)
        wording = rows.values_list("subject", "body").first()
        if wording is None:
            logger.warning(
                "The notification template %s is missing: using the built-in wording. "
                "Restore it with 'hypercare manage restore_notification_templates'.",
                event,
            )
            wording = DEFAULT_TEMPLATES[event]
        subject, body = wording
        return Template(subject), Template(body)

    return cached(("notification_template", event), load)


def _link(ticket: Ticket | None) -> str:
    return f"{settings.SITE_URL}/tickets/{ticket.pk}/" if ticket else settings.SITE_URL


def set_notification_preferences(
    *,
    user: User,
    email: Mapping[str, bool] | None = None,
    in_app: Mapping[str, bool] | None = None,
) -> None:
    """Turn mail and the notification centre on or off per event for ``user``.

    Events left out of a mapping keep that setting: a client that knows only of mail
    (``email``) leaves the notification centre as it was.
    """
    email, in_app = email or {}, in_app or {}
    errors = FieldErrors()
    unknown = sorted((set(email) | set(in_app)) - set(NotificationEvent.values))
    if unknown:
        errors.add("event", f"unknown event {', '.join(unknown)}")
    errors.check()
    with use_case():
        for event in sorted(set(email) | set(in_app)):
            wanted = {"email": email[event]} if event in email else {}
            if event in in_app:
                wanted["in_app"] = in_app[event]
            NotificationPreference.objects.update_or_create(user=user, event=event, defaults=wanted)


def set_notification_channels(*, user: User, channels: Mapping[str, Channel]) -> None:
    """Choose per event how ``user`` receives it: mail, in the desk, both or neither."""
    set_notification_preferences(
        user=user,
        email={event: channel.by_mail for event, channel in channels.items()},
        in_app={event: channel.in_app for event, channel in channels.items()},
    )


def mark_notification_read(*, user: User, pk: int) -> InAppNotification:
    """Mark one of ``user``'s own notifications read; anyone else's reads as not found.

    Reading it again keeps the first time it was read.
    """
    with use_case():
        notification = (
            InAppNotification.objects.select_for_update().filter(recipient=user, pk=pk).first()
        )
        if notification is None:
            raise NotFound("No such notification.")
        if notification.read_at is None:
            notification.read_at = clock.now()
            notification.save(update_fields=["read_at"])
    return notification


def mark_all_notifications_read(*, user: User) -> int:
    """Mark every unread notification of ``user`` read; how many were, counted."""
    with use_case():
        return InAppNotification.objects.filter(recipient=user, read_at__isnull=True).update(
            read_at=clock.now()
        )


# How long a read notification stays in the notification centre: unread ones stay until
# read, however old, so nothing is lost that nobody saw.
READ_RETENTION = timedelta(days=90)


def prune_read_notifications() -> dict[str, int]:
    """Remove the notifications read more than ``READ_RETENTION`` ago."""
    cutoff = clock.now() - READ_RETENTION
    with use_case():
        removed, _ = InAppNotification.objects.filter(read_at__lt=cutoff).delete()
    return {"removed": removed}


def restore_missing_templates() -> list[str]:
    """Recreate, with the built-in wording, the template of every event that has none.

    Templates that exist keep their (possibly edited) wording. The answer is the events
    restored, in the order of ``NotificationEvent``.
    """
    with use_case():
        present = set(NotificationTemplate.objects.values_list("event", flat=True))
        missing = [event for event in NotificationEvent.values if event not in present]
        for event in missing:  # one by one: the configuration audit records each
            subject, body = DEFAULT_TEMPLATES[event]
            NotificationTemplate.objects.create(event=event, subject=subject, body=body)
    return missing

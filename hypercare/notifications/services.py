"""Queueing notifications, and people's choice of which ones they receive.

``notify`` is called by other services inside their own transaction, so a notification
is queued if and only if the change that causes it is committed.
"""

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.template import Context, Template
from django.utils import timezone

from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.lib.text import one_line
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.mail.outgoing import new_message_id
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.defaults import DEFAULT_TEMPLATES
from hypercare.notifications.models import (
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

    A sweep that breaches hundreds of tickets must not pay a dozen queries per ticket.
    A cause queued before keeps its message: the unique dedupe key drops the new one,
    also when two workers queue the same cause at once.
    """
    people = {
        person.pk: person
        for notice in notices
        for person in notice.recipients
        if person is not None and person.email
    }
    if not people:
        return
    # Each recipient's zone may be their institution's: one query for them all.
    prefetch_related_objects(list(people.values()), "institution")
    opted_out = set(
        NotificationPreference.objects.filter(
            user_id__in=people, event=event, email=False
        ).values_list("user_id", flat=True)
    )
    subject, body = _compiled_template(event)
    at = clock.now()
    messages: dict[str, OutboxMessage] = {}
    for notice in notices:
        for person in notice.recipients:
            if person is None or not person.email or person.pk in opted_out:
                continue
            key = f"{event}:{notice.ticket.pk if notice.ticket else '-'}:{notice.cause}:{person.pk}"
            if key in messages:
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
                subject_text, body_text = subject.render(values), body.render(values)
            messages[key] = OutboxMessage(
                event=event,
                ticket=notice.ticket,
                recipient=person,
                to_email=person.email,
                subject=one_line(subject_text)[:250],
                body=body_text,
                dedupe_key=key,
                message_id=new_message_id(),
                next_attempt_at=at,
                created_at=at,
            )
    OutboxMessage.objects.bulk_create(messages.values(), ignore_conflicts=True)


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


def set_notification_preferences(*, user: User, email: Mapping[str, bool]) -> None:
    """Turn email on or off per event for ``user``; events left out keep their setting."""
    errors = FieldErrors()
    unknown = sorted(set(email) - set(NotificationEvent.values))
    if unknown:
        errors.add("event", f"unknown event {', '.join(unknown)}")
    errors.check()
    with use_case():
        for event, wanted in email.items():
            NotificationPreference.objects.update_or_create(
                user=user, event=event, defaults={"email": wanted}
            )


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

"""Queueing notifications, and people's choice of which ones they receive.

``notify`` is called by other services inside their own transaction, so a notification
is queued if and only if the change that causes it is committed.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template import Context, Template

from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed
from hypercare.lib import clock
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import (
    NotificationPreference,
    NotificationTemplate,
    OutboxMessage,
)
from hypercare.tickets.models import Ticket


def notify(
    *,
    event: str,
    ticket: Ticket | None,
    recipients: Iterable[User | None],
    cause: str,
    context: dict[str, Any] | None = None,
) -> list[OutboxMessage]:
    """Queue ``event`` for each recipient who has an address and has not opted out.

    ``cause`` names what happened (a timeline event id, "sla:resolution:breach"); with the
    event, ticket and recipient it forms the dedupe key, so queueing the same cause twice
    queues nothing more. A notification about no one ticket (a daily digest) has none.
    """
    people = {person.pk: person for person in recipients if person is not None and person.email}
    if not people:
        return []
    opted_out = set(
        NotificationPreference.objects.filter(
            user_id__in=people, event=event, email=False
        ).values_list("user_id", flat=True)
    )
    template = NotificationTemplate.objects.get(event=event)
    at = clock.now()
    queued = []
    for person in people.values():
        if person.pk in opted_out:
            continue
        values = {
            "ticket": ticket,
            "recipient": person,
            "link": f"{settings.SITE_URL}/tickets/{ticket.pk}/" if ticket else settings.SITE_URL,
            **(context or {}),
        }
        message = _queue(
            event=event,
            ticket=ticket,
            recipient=person,
            subject=_render(template.subject, values).replace("\n", " ").strip(),
            body=_render(template.body, values),
            dedupe_key=f"{event}:{ticket.pk if ticket else '-'}:{cause}:{person.pk}",
            at=at,
        )
        if message is not None:
            queued.append(message)
    return queued


def _render(source: str, values: dict[str, Any]) -> str:
    return Template(source).render(Context(values, autoescape=False))


def _queue(**fields: Any) -> OutboxMessage | None:
    at = fields.pop("at")
    if OutboxMessage.objects.filter(dedupe_key=fields["dedupe_key"]).exists():
        return None
    try:
        with transaction.atomic():
            return OutboxMessage.objects.create(
                **fields,
                to_email=fields["recipient"].email,
                next_attempt_at=at,
                created_at=at,
            )
    except IntegrityError:
        # Another worker queued the same cause a moment ago: that message stands.
        return None


def set_notification_preferences(*, user: User, email: Mapping[str, bool]) -> None:
    """Turn email on or off per event for ``user``; events left out keep their setting."""
    unknown = sorted(set(email) - set(NotificationEvent.values))
    if unknown:
        raise ValidationFailed({"event": f"unknown event {', '.join(unknown)}"})
    with transaction.atomic(durable=True):
        for event, wanted in email.items():
            NotificationPreference.objects.update_or_create(
                user=user, event=event, defaults={"email": wanted}
            )

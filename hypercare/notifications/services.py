"""Queueing notifications. Called by other services inside their own transaction."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template import Context, Template

from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.notifications.models import (
    NotificationPreference,
    NotificationTemplate,
    OutboxMessage,
)
from hypercare.tickets.models import Ticket


def notify(
    *,
    event: str,
    ticket: Ticket,
    recipients: Iterable[User | None],
    cause: str,
    context: dict[str, Any] | None = None,
) -> list[OutboxMessage]:
    """Queue ``event`` for each recipient who has an address and has not opted out.

    ``cause`` names what happened (a timeline event id, "sla:resolution:breach"); with the
    event, ticket and recipient it forms the dedupe key, so queueing the same cause twice
    queues nothing more.
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
            "link": f"{settings.SITE_URL}/tickets/{ticket.pk}/",
            **(context or {}),
        }
        message = _queue(
            event=event,
            ticket=ticket,
            recipient=person,
            subject=_render(template.subject, values).replace("\n", " ").strip(),
            body=_render(template.body, values),
            dedupe_key=f"{event}:{ticket.pk}:{cause}:{person.pk}",
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

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def queue_mail(db: None) -> Callable[..., OutboxMessage]:
    """Put a message straight into the outbox, due at ``T0`` unless told otherwise."""
    counter = iter(range(1, 10_000))

    def queue(**fields: Any) -> OutboxMessage:
        n = next(counter)
        values: dict[str, Any] = {
            "event": NotificationEvent.TICKET_RECEIVED,
            "to_email": f"person{n}@example.edu",
            "subject": f"[HC-{n:06d}] We have your request",
            "body": "Hello,\n\nWe have received your request.",
            "dedupe_key": f"test:{n}",
            "next_attempt_at": T0,
            "created_at": T0,
        }
        values.update(fields)
        return OutboxMessage.objects.create(**values)

    return queue

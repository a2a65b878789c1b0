import threading
from collections.abc import Callable, Sequence
from datetime import timedelta

import pytest
from django.conf import LazySettings
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection

from hypercare.accounts.models import User
from hypercare.notifications import delivery
from hypercare.notifications.choices import DeliveryStatus, NotificationEvent
from hypercare.notifications.delivery import BATCH, LEASE, deliver_due, retry_dead, retry_delay
from hypercare.notifications.models import OutboxMessage
from tests import factories
from tests.notifications.conftest import T0

QueueMail = Callable[..., OutboxMessage]
MINUTE = timedelta(minutes=1)


class RefusingBackend(BaseEmailBackend):
    """A mail server that hangs up on every message."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise ConnectionResetError("the mail server hung up")


class SlowBackend(BaseEmailBackend):
    """Records every message after a pause, so concurrent senders overlap."""

    sent: list[str] = []
    lock = threading.Lock()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        threading.Event().wait(0.01)
        with self.lock:
            self.sent.extend(address for message in email_messages for address in message.to)
        return len(email_messages)


@pytest.fixture
def refusing(settings: LazySettings) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"


def test_a_new_ticket_mail_is_sent_once(requester: User) -> None:
    ticket = factories.ticket(requester)
    message = OutboxMessage.objects.get(event=NotificationEvent.TICKET_RECEIVED)

    first = deliver_due(now=message.next_attempt_at)
    again = deliver_due(now=message.next_attempt_at + MINUTE)

    assert first == {"sent": 1, "failed": 0, "dead": 0}
    assert again == {"sent": 0, "failed": 0, "dead": 0}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["riya@example.edu"]
    assert mail.outbox[0].subject.startswith(f"[{ticket.reference}] We have your request")
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT
    assert message.sent_at == message.next_attempt_at
    assert message.lease_until is None


def test_mail_that_is_not_yet_due_waits(queue_mail: QueueMail) -> None:
    message = queue_mail(next_attempt_at=T0 + MINUTE)

    assert deliver_due(now=T0)["sent"] == 0
    assert deliver_due(now=T0 + MINUTE)["sent"] == 1
    assert [sent.to for sent in mail.outbox] == [[message.to_email]]


def test_a_failed_delivery_is_retried_after_1_2_4_minutes(
    queue_mail: QueueMail, refusing: None
) -> None:
    message = queue_mail()
    at = T0
    for attempts, delay in ((1, 1), (2, 2), (3, 4)):
        assert deliver_due(now=at)["failed"] == 1
        message.refresh_from_db()
        assert message.status == DeliveryStatus.PENDING
        assert message.attempts == attempts
        assert message.next_attempt_at == at + delay * MINUTE
        assert message.last_error == "ConnectionResetError: the mail server hung up"
        # Not due again a moment before its retry time.
        assert deliver_due(now=message.next_attempt_at - timedelta(seconds=1))["failed"] == 0
        at = message.next_attempt_at


def test_retry_delay_doubles_up_to_an_hour() -> None:
    assert [retry_delay(n).total_seconds() / 60 for n in range(1, 9)] == [
        1,
        2,
        4,
        8,
        16,
        32,
        60,
        60,
    ]
    assert retry_delay(10_000) == timedelta(hours=1)


def test_mail_goes_dead_after_the_configured_attempts(
    queue_mail: QueueMail, refusing: None, settings: LazySettings
) -> None:
    settings.HYPERCARE_MAIL_MAX_ATTEMPTS = 3
    message = queue_mail()

    outcomes = []
    for _ in range(3):
        outcomes.append(deliver_due(now=message.next_attempt_at))
        message.refresh_from_db()

    assert [outcome["dead"] for outcome in outcomes] == [0, 0, 1]
    assert message.status == DeliveryStatus.DEAD
    assert message.attempts == 3
    assert "hung up" in message.last_error
    assert deliver_due(now=T0 + timedelta(days=30)) == {"sent": 0, "failed": 0, "dead": 0}


def test_a_dead_letter_sent_again_is_delivered(
    queue_mail: QueueMail, settings: LazySettings
) -> None:
    dead = queue_mail(status=DeliveryStatus.DEAD, attempts=8, last_error="refused")
    sent = queue_mail(status=DeliveryStatus.SENT)

    assert retry_dead(OutboxMessage.objects.all(), now=T0 + MINUTE) == 1
    dead.refresh_from_db()
    assert (dead.status, dead.attempts, dead.next_attempt_at) == (
        DeliveryStatus.PENDING,
        0,
        T0 + MINUTE,
    )
    assert deliver_due(now=T0 + MINUTE)["sent"] == 1
    assert [message.to for message in mail.outbox] == [[dead.to_email]]
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.SENT


def test_one_run_drains_a_backlog_larger_than_a_batch(queue_mail: QueueMail) -> None:
    backlog = [queue_mail() for _ in range(BATCH * 2 + 5)]

    assert deliver_due(now=T0 + MINUTE) == {"sent": len(backlog), "failed": 0, "dead": 0}
    assert len(mail.outbox) == len(backlog)
    assert not OutboxMessage.objects.exclude(status=DeliveryStatus.SENT).exists()


def test_a_run_stops_when_its_time_is_up(
    queue_mail: QueueMail, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(BATCH + 5):
        queue_mail()
    monkeypatch.setattr(delivery, "RUN_SECONDS", 0.0)

    assert deliver_due(now=T0 + MINUTE)["sent"] == 0
    monkeypatch.setattr(delivery, "RUN_SECONDS", 60.0)
    assert deliver_due(now=T0 + MINUTE)["sent"] == BATCH + 5


def test_a_failure_ends_the_run_and_the_rest_wait(queue_mail: QueueMail, refusing: None) -> None:
    first = queue_mail()
    second = queue_mail(next_attempt_at=T0 + timedelta(seconds=1))

    assert deliver_due(now=T0 + MINUTE) == {"sent": 0, "failed": 1, "dead": 0}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.attempts == 1
    assert (second.status, second.attempts, second.lease_until) == (DeliveryStatus.PENDING, 0, None)
    assert (first.claim, second.claim) == ("", "")
    # Given back, not left to its lease: the next run takes it.
    assert deliver_due(now=T0 + MINUTE)["failed"] == 1
    second.refresh_from_db()
    assert second.attempts == 1


def test_a_send_abandoned_by_a_killed_worker_is_claimed_after_its_lease(
    queue_mail: QueueMail,
) -> None:
    message = queue_mail(status=DeliveryStatus.SENDING, lease_until=T0 + LEASE)

    assert deliver_due(now=T0 + LEASE - MINUTE)["sent"] == 0
    assert mail.outbox == []
    assert deliver_due(now=T0 + LEASE)["sent"] == 1
    assert deliver_due(now=T0 + 2 * LEASE)["sent"] == 0
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_deliverers_at_once_never_send_a_message_twice(
    queue_mail: QueueMail, settings: LazySettings
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; concurrent claims need PostgreSQL")
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    SlowBackend.sent.clear()
    addresses = sorted(queue_mail().to_email for _ in range(40))
    results: list[dict[str, int]] = []
    start = threading.Barrier(4)

    def deliver() -> None:
        start.wait()
        try:
            results.append(deliver_due(now=T0))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(SlowBackend.sent) == addresses
    assert sum(result["sent"] for result in results) == 40
    assert OutboxMessage.objects.filter(status=DeliveryStatus.SENT).count() == 40

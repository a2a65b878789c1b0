"""Delivery through Django's SMTP backend to a real SMTP server on loopback."""

from collections.abc import Callable, Iterator

import pytest
from django.conf import LazySettings

from hypercare.notifications.choices import DeliveryStatus
from hypercare.notifications.delivery import deliver_due
from hypercare.notifications.models import OutboxMessage
from tests.mailserver import SMTP_BACKEND, Inbox, free_port, smtp_server
from tests.notifications.conftest import T0

QueueMail = Callable[..., OutboxMessage]


@pytest.fixture
def inbox(settings: LazySettings) -> Iterator[Inbox]:
    with smtp_server(settings) as server:
        yield server


def test_pending_mail_arrives_at_the_smtp_server(inbox: Inbox, queue_mail: QueueMail) -> None:
    first = queue_mail(subject="[HC-000001] We have your request: Fee receipt")
    second = queue_mail(subject="[HC-000002] Assigned to you: Payroll run")

    assert deliver_due(now=T0)["sent"] == 2

    assert sorted(tuple(envelope.rcpt_tos) for envelope in inbox.envelopes) == sorted(
        [(first.to_email,), (second.to_email,)]
    )
    received = {message["To"]: message for message in inbox.messages()}
    assert received[first.to_email]["Subject"] == first.subject
    assert received[second.to_email]["Subject"] == second.subject
    text = received[first.to_email].get_body(preferencelist=("plain",))
    assert text is not None
    assert text.get_content().replace("\r\n", "\n").strip() == first.body
    assert received[first.to_email].get_body(preferencelist=("html",)) is not None
    assert OutboxMessage.objects.filter(status=DeliveryStatus.SENT).count() == 2


def test_a_mail_server_that_is_down_leaves_the_mail_pending(
    settings: LazySettings, queue_mail: QueueMail
) -> None:
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    message = queue_mail()

    assert deliver_due(now=T0)["failed"] == 1

    message.refresh_from_db()
    assert message.status == DeliveryStatus.PENDING
    assert message.attempts == 1
    assert message.last_error.startswith("ConnectionRefusedError")

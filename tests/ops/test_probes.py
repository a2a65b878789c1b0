"""``/healthz`` and ``/readyz``: cheap, open to any caller, and naming only checks."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.db import DatabaseError
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.mail.models import Mailbox
from hypercare.notifications.choices import DeliveryStatus, NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.ops import selectors
from hypercare.ops.models import JobRun
from hypercare.ops.services import record_job_run
from tests import factories

HEALTHY = "database: ok\nstorage: ok\nrestore: ok\njobs: ok\noutbox: ok\nmailboxes: ok\n"


@pytest.fixture
def healthy(db: None) -> None:
    """A desk whose worker has just run and whose mailbox was just read."""
    record_job_run(job="sla_sweep", duration=timedelta(seconds=0.2), succeeded=True)
    _mailbox(last_polled_at=clock.now())


def _mailbox(**values: object) -> Mailbox:
    return Mailbox.objects.create(
        name="Support",
        address="support@hypercare.example",
        host="imap.example",
        username="support",
        password="secret",
        polls=True,
        **values,
    )


def _outbox(status: str, *, due: timedelta = timedelta(0), key: str = "probe") -> OutboxMessage:
    now = clock.now()
    return OutboxMessage.objects.create(
        event=NotificationEvent.TICKET_ASSIGNED,
        to_email="tara@example.edu",
        subject="[HC-000001] Assigned to you",
        body="HC-000001 is now yours.",
        dedupe_key=key,
        status=status,
        next_attempt_at=now - due,
        created_at=now - due,
    )


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(0):
        answer = Client().get("/healthz")

    assert answer.status_code == 200
    assert answer.content == b"ok\n"
    assert answer["Cache-Control"].startswith("max-age=0")


@pytest.mark.usefixtures("healthy")
def test_readyz_is_ok_when_every_part_works() -> None:
    _outbox(DeliveryStatus.PENDING, due=timedelta(minutes=1))

    answer = Client().get("/readyz")

    assert answer.status_code == 200
    assert answer.content.decode() == HEALTHY


@pytest.mark.usefixtures("healthy")
def test_readyz_fails_the_jobs_when_no_run_is_recent(settings: LazySettings) -> None:
    settings.HYPERCARE_READY_HEARTBEAT_SECONDS = 60
    JobRun.objects.update(finished_at=clock.now() - timedelta(seconds=61))

    answer = Client().get("/readyz")

    assert answer.status_code == 503
    assert "jobs: failing\n" in answer.content.decode()
    assert "outbox: ok\n" in answer.content.decode()


@pytest.mark.django_db
def test_readyz_fails_the_jobs_when_none_ever_ran() -> None:
    _mailbox(last_polled_at=clock.now())

    answer = Client().get("/readyz")

    assert answer.status_code == 503
    assert answer.content.decode() == HEALTHY.replace("jobs: ok", "jobs: failing")


@pytest.mark.usefixtures("healthy")
def test_readyz_fails_the_mailboxes_when_one_has_not_been_polled(settings: LazySettings) -> None:
    settings.HYPERCARE_READY_MAILBOX_SECONDS = 600
    Mailbox.objects.update(last_polled_at=clock.now() - timedelta(seconds=601))
    # A mailbox that is not read over IMAP is never late.
    Mailbox.objects.create(name="Forwarded", address="fwd@hypercare.example", polls=False)

    answer = Client().get("/readyz")

    assert answer.status_code == 503
    assert answer.content.decode() == HEALTHY.replace("mailboxes: ok", "mailboxes: failing")


@pytest.mark.usefixtures("healthy")
def test_readyz_fails_the_mailboxes_when_a_new_one_was_never_read() -> None:
    Mailbox.objects.create(
        name="Second", address="two@hypercare.example", host="imap.example", polls=True
    )

    assert Client().get("/readyz").status_code == 503


@pytest.mark.usefixtures("healthy")
def test_readyz_fails_the_outbox_when_a_message_has_waited_too_long(
    settings: LazySettings,
) -> None:
    settings.HYPERCARE_READY_OUTBOX_SECONDS = 900
    _outbox(DeliveryStatus.DEAD, due=timedelta(days=2), key="dead")
    assert Client().get("/readyz").status_code == 200

    _outbox(DeliveryStatus.PENDING, due=timedelta(seconds=901), key="stuck")
    answer = Client().get("/readyz")

    assert answer.status_code == 503
    assert answer.content.decode() == HEALTHY.replace("outbox: ok", "outbox: failing")


@pytest.mark.usefixtures("healthy")
def test_readyz_fails_the_storage_when_attachments_cannot_be_written(
    settings: LazySettings, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.HYPERCARE_ATTACHMENT_DIR = blocker / "attachments"

    answer = Client().get("/readyz")

    assert answer.status_code == 503
    assert answer.content.decode() == HEALTHY.replace("storage: ok", "storage: failing")


@pytest.mark.usefixtures("healthy")
def test_a_failing_database_answers_503_not_500(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> bool:
        raise DatabaseError("connection refused")

    monkeypatch.setattr(selectors, "_database_answers", broken)

    answer = Client(raise_request_exception=False).get("/readyz")

    assert answer.status_code == 503
    body = answer.content.decode()
    assert body.startswith("database: failing\nstorage: ok\n")
    assert "jobs: failing\noutbox: failing\nmailboxes: failing\n" in body


@pytest.mark.usefixtures("healthy")
def test_the_probes_reveal_no_desk_data(requester: User) -> None:
    ticket = factories.ticket(requester, title="Payroll run for Zenith Institute failed")
    assert requester.institution is not None

    bodies = [Client().get(path).content.decode() for path in ("/healthz", "/readyz")]

    for body in bodies:
        assert requester.institution.name not in body
        assert ticket.reference not in body
        assert "Payroll" not in body
        assert "support@hypercare.example" not in body
        assert set(body.replace(":", " ").split()) <= {
            "ok",
            "failing",
            "database",
            "storage",
            "restore",
            "jobs",
            "outbox",
            "mailboxes",
        }


@pytest.mark.usefixtures("healthy")
def test_the_probes_need_no_sign_in_and_accept_only_reads() -> None:
    for path in ("/healthz", "/readyz"):
        assert Client().get(path).status_code == 200
        assert Client().head(path).status_code == 200
        assert Client().post(path).status_code == 405

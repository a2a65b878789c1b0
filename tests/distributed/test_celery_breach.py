"""Two real Celery workers over Redis and PostgreSQL: a breach is acted on exactly once.

The workers are separate processes, so the test's data is committed (a transactional
test) in the test database, and they are pointed at it by DATABASE_URL. Mail goes over
SMTP to a server this test runs on loopback, so every message that really left counts.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import LazySettings, settings
from django.db import connection

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.celery import app
from hypercare.lib import clock
from hypercare.notifications.choices import DeliveryStatus, NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.sla.choices import ClockState, SlaEventKind
from hypercare.tickets.choices import Level, Priority
from hypercare.tickets.models import Ticket, TicketEvent
from hypercare.tickets.services.workflow import assign_ticket, change_team
from tests import factories
from tests.mailserver import SMTP_BACKEND, Inbox, smtp_server

pytestmark = [
    pytest.mark.distributed,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CELERY = Path(sys.executable).with_name("celery")
REPOSITORY = Path(__file__).resolve().parents[2]
WAIT_LIMIT_SECONDS = 45
SENDS_PER_ROUND = 3
TICKETS = 6
MANAGERS = 5
# One breach message per ticket, clock (2) and person: assignee, team lead, managers.
BREACH_MESSAGES = TICKETS * 2 * (2 + MANAGERS)


def _test_database_url() -> str:
    """The database this test writes to, as a URL the workers' settings can read."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs DATABASE_URL=postgres://...: the Celery workers are other processes "
            "and must share the test database, which SQLite's in-memory one cannot"
        )
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}{port}/{db['NAME']}"


def _require_redis() -> None:
    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis does not answer at {settings.CELERY_BROKER_URL}: {exc}")


def _wait_for(condition: Callable[[], bool], limit: float = WAIT_LIMIT_SECONDS) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def inbox(settings: LazySettings) -> Iterator[Inbox]:
    with smtp_server(settings) as server:
        yield server


@pytest.fixture
def celery_workers(inbox: Inbox, tmp_path: Path) -> Iterator[tuple[str, list[Path]]]:
    """Two worker processes of one task each, on a queue of their own; stopped warm."""
    database_url = _test_database_url()
    _require_redis()
    queue = f"hypercare-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "HYPERCARE_DATA_DIR": str(tmp_path / "data"),
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": settings.EMAIL_HOST,
        "EMAIL_PORT": str(settings.EMAIL_PORT),
    }
    logs = [tmp_path / f"worker{n}.log" for n in (1, 2)]
    workers = [_start_worker(queue, log, env) for log in logs]
    try:
        ready = _wait_for(lambda: all("ready." in log.read_text() for log in logs))
        assert ready, "\n".join(log.read_text() for log in logs)
        yield queue, logs
    finally:
        _stop(workers)
        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)


def _start_worker(queue: str, log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        str(CELERY),
        "--app",
        "hypercare",
        "worker",
        "--concurrency",
        "1",
        "--queues",
        queue,
        "--hostname",
        f"{log.stem}.{queue}@%h",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "INFO",
    ]
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 (the project's own celery)
            command, cwd=REPOSITORY, stdout=out, stderr=subprocess.STDOUT, env=env
        )


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM is Celery's warm shutdown: the task in progress finishes first."""
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.fixture
def overdue_tickets(requester: User) -> list[Ticket]:
    """Critical tickets opened five hours ago: their 15 min and 4 h clocks are past due.

    Several tickets and managers make a hundred-odd messages, so the two workers' runs
    overlap on the same rows.
    """
    tara = factories.agent(Role.TIER1, username="tara")
    team = factories.team(lead=factories.agent(Role.TIER2, username="lena"))
    for n in range(MANAGERS):
        factories.agent(Role.ESCALATION_MANAGER, username=f"ezra{n}")
    tickets = []
    with clock.frozen_at(clock.now() - timedelta(hours=5)):
        for _ in range(TICKETS):
            ticket = factories.ticket(requester, urgency=Level.HIGH, impact=Level.HIGH)
            change_team(ticket=ticket, actor=tara, team=team)
            tickets.append(assign_ticket(ticket=ticket, actor=tara, assignee=tara))
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.priority == Priority.CRITICAL
        assert ticket.resolution_state == ClockState.RUNNING
    return tickets


def _all_delivered(tickets: list[Ticket], inbox: Inbox) -> bool:
    breached = Ticket.objects.filter(
        pk__in=[ticket.pk for ticket in tickets],
        first_response_state=ClockState.BREACHED,
        resolution_state=ClockState.BREACHED,
    )
    queued = OutboxMessage.objects.count()
    return (
        breached.count() == TICKETS
        and OutboxMessage.objects.filter(event=NotificationEvent.SLA_BREACH).count()
        == BREACH_MESSAGES
        and not OutboxMessage.objects.exclude(status=DeliveryStatus.SENT).exists()
        and len(inbox.envelopes) >= queued
    )


def _send_round(queue: str) -> None:
    """Several sweeps and deliveries at once, so the two workers race for the same rows."""
    for _ in range(SENDS_PER_ROUND):
        app.send_task("hypercare.sla_sweep", queue=queue)
        app.send_task("hypercare.outbox_delivery", queue=queue)


def test_two_celery_workers_breach_each_clock_once_and_mail_each_person_once(
    celery_workers: tuple[str, list[Path]],
    inbox: Inbox,
    overdue_tickets: list[Ticket],
) -> None:
    queue, logs = celery_workers

    def delivered() -> bool:
        _send_round(queue)
        return _wait_for(lambda: _all_delivered(overdue_tickets, inbox), limit=1)

    assert _wait_for(delivered), "\n".join(log.read_text() for log in logs)
    # Another round after everything is done must change nothing.
    _send_round(queue)
    time.sleep(2)

    for ticket in overdue_tickets:
        ticket.refresh_from_db()
        assert ticket.resolution_state == ClockState.BREACHED
        breaches = TicketEvent.objects.filter(ticket=ticket, kind=SlaEventKind.SLA_BREACHED)
        assert Counter(breaches.values_list("new_value", flat=True)) == {
            "first_response": 1,
            "resolution": 1,
        }
    resolution_breach = OutboxMessage.objects.filter(
        ticket=overdue_tickets[0],
        event=NotificationEvent.SLA_BREACH,
        subject__contains="SLA BREACHED: resolution",
    )
    assert sorted(resolution_breach.values_list("to_email", flat=True)) == [
        *[f"ezra{n}@example.edu" for n in range(MANAGERS)],
        "lena@example.edu",
        "tara@example.edu",
    ]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    received = Counter(
        (envelope.rcpt_tos[0], message["Subject"])
        for envelope, message in zip(inbox.envelopes, inbox.messages(), strict=True)
    )
    queued = Counter(OutboxMessage.objects.values_list("to_email", "subject"))
    assert received == queued
    assert max(received.values()) == 1
    for log in logs:
        assert "succeeded in" in log.read_text(), "each of the two workers ran tasks"

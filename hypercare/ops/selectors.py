"""The figures behind ``/readyz`` and ``/metrics``: a few aggregate queries, no rows.

None of these reads is scoped to a user: they count the whole desk for its operator, and
the endpoints that show them reveal only check names, states and totals.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Q

from hypercare.backups import marker
from hypercare.backups.schedule import last_backup
from hypercare.health import writable_problem
from hypercare.lib import clock
from hypercare.mail.models import Mailbox
from hypercare.notifications.choices import DeliveryStatus
from hypercare.notifications.models import OutboxMessage
from hypercare.ops.models import JobRun
from hypercare.tickets.choices import OPEN_STATUSES
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import clock_q

SLA_CLOCKS = ("first_response", "resolution")
SLA_STATES = ("due_soon", "breached")
# The queue's name (``tickets.selectors.clock_q``) of each state the metrics show.
CLOCK_STANDINGS = {"due_soon": "warned", "breached": "breached"}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool


def readiness() -> list[Check]:
    """Each readiness check; once the database fails, the checks that need it fail too
    without waiting on it again."""
    database = _passes(_database_answers)
    checks = [
        Check("database", database),
        Check("storage", _passes(_storage_writable)),
        Check("restore", _passes(lambda: not marker.current())),
    ]
    for name, check in DATABASE_CHECKS:
        checks.append(Check(name, database and _passes(check)))
    return checks


def _passes(check: Callable[[], bool]) -> bool:
    """A check that raises is failing: the probe answers 503, never 500."""
    try:
        return check()
    except Exception:
        return False


def _database_answers() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row: tuple[int] | None = cursor.fetchone()
    return row == (1,)


def _storage_writable() -> bool:
    return not writable_problem(Path(settings.HYPERCARE_ATTACHMENT_DIR))


def _jobs_running() -> bool:
    """Some job engine finished a run recently (the worker or Celery, whichever runs)."""
    last = JobRun.objects.aggregate(last=Max("finished_at"))["last"]
    return last is not None and last >= _ago(settings.HYPERCARE_READY_HEARTBEAT_SECONDS)


def _outbox_flowing() -> bool:
    """No notification has waited to be sent longer than the backlog allows."""
    stuck = OutboxMessage.objects.filter(
        status=DeliveryStatus.PENDING,
        next_attempt_at__lt=_ago(settings.HYPERCARE_READY_OUTBOX_SECONDS),
    )
    return not stuck.exists()


def _mailboxes_polled() -> bool:
    """Every polling mailbox has been read recently (never read counts as late)."""
    late = Mailbox.objects.filter(polls=True).filter(
        Q(last_polled_at__isnull=True)
        | Q(last_polled_at__lt=_ago(settings.HYPERCARE_READY_MAILBOX_SECONDS))
    )
    return not late.exists()


def _ago(seconds: int) -> datetime:
    return clock.now() - timedelta(seconds=seconds)


DATABASE_CHECKS: tuple[tuple[str, Callable[[], bool]], ...] = (
    ("jobs", _jobs_running),
    ("outbox", _outbox_flowing),
    ("mailboxes", _mailboxes_polled),
)


def open_tickets_by_status() -> dict[str, int]:
    """Every open status with its count, zero included, in one GROUP BY."""
    counts: dict[str, int] = dict.fromkeys(sorted(OPEN_STATUSES), 0)
    rows = (
        Ticket.objects.filter(status__in=OPEN_STATUSES)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    counts.update(dict(rows))
    return counts


def sla_clocks() -> dict[tuple[str, str], int]:
    """Open tickets' clocks per (clock, state): ``due_soon`` once past the policy's warning
    point and not yet due, ``breached`` once past the target (recorded, or running past it
    and not yet recorded by the sweep), as the queue's SLA filter reads them."""
    now = clock.now()
    figures = {
        f"{name}_{state}": Count("pk", filter=clock_q(name, CLOCK_STANDINGS[state], now))
        for name in SLA_CLOCKS
        for state in SLA_STATES
    }
    counts = Ticket.objects.filter(status__in=OPEN_STATUSES).aggregate(**figures)
    return {(name, state): counts[f"{name}_{state}"] for name in SLA_CLOCKS for state in SLA_STATES}


def outbox_backlog() -> dict[str, int]:
    """Notifications waiting to be sent and given up on (dead letters)."""
    counts = dict.fromkeys([DeliveryStatus.PENDING.value, DeliveryStatus.DEAD.value], 0)
    rows = (
        OutboxMessage.objects.filter(status__in=counts)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    counts.update(dict(rows))
    return counts


def last_backup_at() -> datetime | None:
    """When the newest archive in the backup folder was taken."""
    return last_backup(Path(settings.HYPERCARE_BACKUP_DIR))


def job_runs() -> list[JobRun]:
    return list(JobRun.objects.all())

"""Delivering the outbox: claim the due messages, send them, record each outcome.

A run claims a batch with one conditional UPDATE (pending → sending, with a lease and the
run's random claim token), so two workers never send the same row. A worker killed
mid-send leaves its rows "sending" until the lease runs out; then any worker may claim
them again. Delivery is therefore at least once: a crash between the mail server's
acceptance and the "sent" mark sends that one message twice, never more, and never loses
it.
"""

import secrets
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Q, QuerySet

from hypercare.lib import clock
from hypercare.mail.outgoing import composed
from hypercare.notifications.choices import DeliveryStatus
from hypercare.notifications.models import OutboxMessage

BATCH = 100
# Below the delivery job's 10 s interval (hypercare.jobs), so runs do not pile up.
RUN_SECONDS = 8.0
# Longer than any one send can take (EMAIL_TIMEOUT bounds a silent mail server).
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
ERROR_LENGTH = 2000


def _claimable(at: datetime) -> Q:
    due = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=at)
    abandoned = Q(status=DeliveryStatus.SENDING, lease_until__lte=at)
    return due | abandoned


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after the 1st, 2nd, 3rd, 4th ... failure, at most an hour."""
    doublings = min(attempts - 1, 16)  # past an hour anyway; keeps the product small
    return min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)


def deliver_due(*, now: datetime | None = None) -> dict[str, int]:
    """Send the due messages a batch at a time until none is left or the run's time is up.

    Safe to run from several workers. A failure ends the run: when the mail server is
    down, the other messages wait for the next run instead of each waiting out the
    timeout now. The time limit keeps a backlog's run inside the job's interval.
    """
    at = now or clock.now()
    counts = {"sent": 0, "failed": 0, "dead": 0}
    stop_at = time.monotonic() + RUN_SECONDS
    connection: BaseEmailBackend = get_connection()
    try:
        while time.monotonic() < stop_at:
            keys = _due_keys(at)
            if not _deliver_batch(keys, at, connection, counts) or len(keys) < BATCH:
                break
    finally:
        connection.close()
    return counts


def _deliver_batch(
    keys: list[int], at: datetime, connection: BaseEmailBackend, counts: dict[str, int]
) -> bool:
    """Send the messages of ``keys`` this run can claim; False when one failed.

    A failure gives the rest back at once: they wait for the next run, not for the lease.
    """
    claim = secrets.token_hex(16)
    claimed = _claim(keys, claim, at)
    for n, message in enumerate(claimed):
        outcome = _send(message, claim, at, connection)
        counts[outcome] += 1
        if outcome != "sent":
            _mine(claimed[n + 1 :], claim).update(
                status=DeliveryStatus.PENDING, lease_until=None, claim=""
            )
            return False
    return True


def _due_keys(at: datetime) -> list[int]:
    """Abandoned sends first (they are the oldest), then pending messages by due time."""
    abandoned = OutboxMessage.objects.filter(status=DeliveryStatus.SENDING, lease_until__lte=at)
    due = OutboxMessage.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=at)
    keys = list(abandoned.order_by("lease_until", "pk").values_list("pk", flat=True)[:BATCH])
    room = BATCH - len(keys)
    keys += due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:room]
    return keys


def _claim(keys: list[int], claim: str, at: datetime) -> list[OutboxMessage]:
    """Take what is still claimable of ``keys`` for this run, in their order.

    One conditional UPDATE: a message another run claimed first no longer matches, and
    the run's own token, not the time, says which rows are this run's.
    """
    OutboxMessage.objects.filter(_claimable(at), pk__in=keys).update(
        status=DeliveryStatus.SENDING, lease_until=at + LEASE, claim=claim
    )
    mine = {message.pk: message for message in _mine_of(keys, claim)}
    return [mine[pk] for pk in keys if pk in mine]


def _mine_of(keys: list[int], claim: str) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(
        pk__in=keys, status=DeliveryStatus.SENDING, claim=claim
    ).select_related("ticket")


def _mine(messages: list[OutboxMessage], claim: str) -> QuerySet[OutboxMessage]:
    return _mine_of([message.pk for message in messages], claim)


def _send(message: OutboxMessage, claim: str, at: datetime, connection: BaseEmailBackend) -> str:
    mine = _mine([message], claim)
    try:
        email = composed(message)
        # Opened once per run and kept open: one SMTP session carries the whole run.
        connection.open()
        connection.send_messages([email])
    except Exception as exc:
        return _record_failure(mine, message.attempts + 1, f"{type(exc).__name__}: {exc}", at)
    mine.update(status=DeliveryStatus.SENT, sent_at=at, lease_until=None, claim="", last_error="")
    return "sent"


def _record_failure(mine: QuerySet[OutboxMessage], attempts: int, error: str, at: datetime) -> str:
    """Try again later with a growing delay, or give up after the configured attempts."""
    if attempts >= settings.HYPERCARE_MAIL_MAX_ATTEMPTS:
        mine.update(
            status=DeliveryStatus.DEAD,
            attempts=attempts,
            lease_until=None,
            claim="",
            last_error=error[:ERROR_LENGTH],
        )
        return "dead"
    mine.update(
        status=DeliveryStatus.PENDING,
        attempts=attempts,
        next_attempt_at=at + retry_delay(attempts),
        lease_until=None,
        claim="",
        last_error=error[:ERROR_LENGTH],
    )
    return "failed"


def retry_dead(messages: QuerySet[OutboxMessage], *, now: datetime | None = None) -> int:
    """Queue dead letters again with a fresh set of attempts, e.g. after fixing an address."""
    at = now or clock.now()
    return messages.filter(status=DeliveryStatus.DEAD).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=at
    )

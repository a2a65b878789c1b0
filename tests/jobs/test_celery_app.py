"""The distributed engine's configuration, without a broker (tasks applied in-process)."""

from datetime import UTC, datetime

import pytest
from celery.app.utils import find_app
from django.core import mail

from hypercare.celery import app
from hypercare.jobs import JOBS
from hypercare.notifications.choices import DeliveryStatus, NotificationEvent
from hypercare.notifications.models import OutboxMessage


def test_celery_dash_a_hypercare_finds_the_app() -> None:
    assert find_app("hypercare") is app


def test_beat_sends_every_job_at_its_interval_and_drops_stale_ones() -> None:
    schedule = app.conf.beat_schedule

    assert set(schedule) == set(JOBS)
    assert schedule["sla_sweep"] == {
        "task": "hypercare.sla_sweep",
        "schedule": 30,
        "options": {"expires": 30},
    }
    for name, job in JOBS.items():
        assert schedule[name]["task"] == f"hypercare.{name}"
        assert schedule[name]["schedule"] == schedule[name]["options"]["expires"]
        assert schedule[name]["schedule"] == job.interval_seconds


def test_every_job_is_a_task_running_the_same_function() -> None:
    for name, job in JOBS.items():
        assert app.tasks[f"hypercare.{name}"].run is job.function


@pytest.mark.django_db
def test_the_delivery_task_sends_due_mail() -> None:
    queued_at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    message = OutboxMessage.objects.create(
        event=NotificationEvent.TICKET_ASSIGNED,
        to_email="tara@example.edu",
        subject="[HC-000001] Assigned to you",
        body="HC-000001 is now yours.",
        dedupe_key="celery-test",
        next_attempt_at=queued_at,
        created_at=queued_at,
    )

    result = app.tasks["hypercare.outbox_delivery"].apply().get()

    assert result == {"sent": 1, "failed": 0, "dead": 0}
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT
    assert [(sent.to, sent.subject) for sent in mail.outbox] == [
        (["tara@example.edu"], "[HC-000001] Assigned to you")
    ]

"""The distributed engine: Celery runs the jobs of ``hypercare.jobs`` over Redis.

    celery -A hypercare worker    # as many as you like, on any machine that reaches
                                  # Redis and the database
    celery -A hypercare beat      # exactly one: sends each job at its interval

Each job is registered as the task ``hypercare.<job name>``, and beat's schedule is built
from the same table, so the embedded worker and Celery run the same code. A job sent
while no worker listens expires after one interval: the next one does the same work.
"""

import logging
import os
import time
from datetime import timedelta
from typing import Any

import django
from celery import Celery, Task
from celery.signals import task_postrun, task_prerun
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hypercare.settings")
django.setup()

from hypercare.jobs import JOBS  # noqa: E402 (the jobs import models: after django.setup())
from hypercare.ops.services import record_job_run  # noqa: E402

logger = logging.getLogger("hypercare.celery")

QUEUE = "hypercare"


def task_name(job: str) -> str:
    return f"hypercare.{job}"


app = Celery("hypercare")
app.conf.update(
    broker_url=settings.CELERY_BROKER_URL,
    broker_connection_retry_on_startup=True,
    task_default_queue=QUEUE,
    task_ignore_result=True,
    worker_prefetch_multiplier=1,
    timezone="UTC",
    beat_schedule={
        name: {
            "task": task_name(name),
            "schedule": job.interval_seconds,
            "options": {"expires": job.interval_seconds},
        }
        for name, job in JOBS.items()
    },
    beat_schedule_filename=str(settings.DATA_DIR / "celerybeat-schedule"),
)

for _name, _job in JOBS.items():
    app.task(name=task_name(_name))(_job.function)


# Each task's start, by task id, until it ends: the duration of its run.
_started: dict[str, float] = {}


def _note_start(task_id: str, **kwargs: Any) -> None:
    _started[task_id] = time.monotonic()


def _record_run(task_id: str, task: Task, state: str | None = None, **kwargs: Any) -> None:
    """Record the run as the embedded worker does (duration for ``/metrics``, heartbeat for
    ``/readyz``); around the task rather than inside it, so each task stays its job's own
    function. A failure to record is logged and leaves the task's outcome alone."""
    started = _started.pop(task_id, None)
    job = task.name.removeprefix("hypercare.")
    if started is None or job not in JOBS:
        return
    try:
        record_job_run(
            job=job,
            duration=timedelta(seconds=time.monotonic() - started),
            succeeded=state == "SUCCESS",
        )
    except Exception:
        logger.exception("Job %s: its run could not be recorded", job)


task_prerun.connect(_note_start)
task_postrun.connect(_record_run)

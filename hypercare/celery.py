"""The distributed engine: Celery runs the jobs of ``hypercare.jobs`` over Redis.

    celery -A hypercare worker    # as many as you like, on any machine that reaches
                                  # Redis and the database
    celery -A hypercare beat      # exactly one: sends each job at its interval

Each job is registered as the task ``hypercare.<job name>``, and beat's schedule is built
from the same table, so the embedded worker and Celery run the same code. A job sent
while no worker listens expires after one interval: the next one does the same work.
"""

import os

import django
from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hypercare.settings")
django.setup()

from hypercare.jobs import JOBS  # noqa: E402 (the jobs import models: after django.setup())

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

"""``hypercare worker``: the embedded engine, running the periodic jobs without a broker.

One process runs each job of ``hypercare.jobs`` at its interval, one job at a time. A job
that fails is logged and runs again at its next turn; the worker carries on. SIGTERM or
SIGINT lets the job in progress finish, then the worker exits. ``hypercare serve`` starts
one beside gunicorn (see ``hypercare.gunicorn_conf``) and names itself as ``parent``, so
the worker also stops if the server is killed without a chance to stop it.

Running two workers (or a worker beside Celery) is safe, only wasteful: every job claims
its rows with conditional UPDATEs. Each run is recorded (``hypercare.ops``): its duration
for ``/metrics``, its end as the heartbeat ``/readyz`` checks.
"""

import logging
import os
import signal
import threading
import time
from collections.abc import Mapping
from datetime import timedelta
from types import FrameType

from django.db import close_old_connections

from hypercare.jobs import JOBS, Job
from hypercare.ops.services import record_job_run

logger = logging.getLogger("hypercare.worker")
# How long the worker may take to notice a stop request or its parent's death.
LONGEST_NAP_SECONDS = 1.0


def work(*, parent: int | None = None) -> None:
    """Run the jobs until SIGTERM or SIGINT (or the death of ``parent``)."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        logger.info(
            "Job worker stopping (%s) after the job in progress", signal.Signals(signum).name
        )
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    logger.info("Job worker started (pid %s): %s", os.getpid(), _describe(JOBS))
    run(JOBS, stop, parent=parent)
    logger.info("Job worker stopped")


def run(jobs: Mapping[str, Job], stop: threading.Event, *, parent: int | None = None) -> None:
    """Run every job now, then each again when its interval has passed, until ``stop``."""
    due = dict.fromkeys(jobs, time.monotonic())
    while not stop.is_set():
        if parent is not None and os.getppid() != parent:
            logger.warning("Job worker stopping: its parent process %s has gone", parent)
            return
        for name, job in jobs.items():
            if due[name] <= time.monotonic() and not stop.is_set():
                run_job(name, job)
                due[name] = time.monotonic() + job.interval_seconds
        stop.wait(max(0.0, min(min(due.values()) - time.monotonic(), LONGEST_NAP_SECONDS)))


def run_job(name: str, job: Job) -> None:
    """One run of one job, recorded as its last run; a failure is logged, never raised."""
    # A long-lived process sees no requests, so it drops stale or broken connections itself.
    close_old_connections()
    started = time.monotonic()
    succeeded = False
    try:
        counts = job.function()
    except Exception:
        logger.exception("Job %s failed; it runs again in %s s", name, job.interval_seconds)
    else:
        succeeded = True
        done = {key: value for key, value in counts.items() if value}
        if done:
            logger.info("Job %s: %s", name, ", ".join(f"{k} {v}" for k, v in done.items()))
    finally:
        _record(name, timedelta(seconds=time.monotonic() - started), succeeded)
        close_old_connections()


def _record(name: str, duration: timedelta, succeeded: bool) -> None:
    """The run's record is the heartbeat ``/readyz`` reads; failing to write it (the
    database is down) must not stop the worker either."""
    try:
        record_job_run(job=name, duration=duration, succeeded=succeeded)
    except Exception:
        logger.exception("Job %s: its run could not be recorded", name)


def _describe(jobs: Mapping[str, Job]) -> str:
    return ", ".join(f"{name} every {job.interval_seconds:g} s" for name, job in jobs.items())

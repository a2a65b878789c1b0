"""Both job engines record each run: the heartbeat and durations the endpoints read."""

from datetime import timedelta

import pytest

from hypercare.celery import app
from hypercare.jobs import Job
from hypercare.ops.models import JobRun
from hypercare.ops.services import record_job_run
from hypercare.worker import run_job


def _fails() -> dict[str, int]:
    raise RuntimeError("mail server down")


# A transactional test: the worker closes its connection around each run, which would end
# a test's enclosing transaction on PostgreSQL. Its data is put back afterwards, as every
# transactional test here does: a flush alone leaves the next such test's restore to fail.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_records_each_run_and_whether_it_succeeded() -> None:
    run_job("counting", Job(lambda: {"done": 1}, interval_seconds=10))
    run_job("failing", Job(_fails, interval_seconds=10))

    runs = {run.job: run for run in JobRun.objects.all()}
    assert set(runs) == {"counting", "failing"}
    assert runs["counting"].succeeded is True
    assert runs["failing"].succeeded is False
    assert 0 <= runs["counting"].duration_seconds < 5


@pytest.mark.django_db
def test_a_celery_task_records_its_run() -> None:
    app.tasks["hypercare.outbox_delivery"].apply().get()

    run = JobRun.objects.get()
    assert (run.job, run.succeeded) == ("outbox_delivery", True)


@pytest.mark.django_db
def test_a_later_run_overwrites_the_last_one() -> None:
    record_job_run(job="sla_sweep", duration=timedelta(seconds=2), succeeded=False)
    first = JobRun.objects.get().finished_at
    record_job_run(job="sla_sweep", duration=timedelta(seconds=0.5), succeeded=True)

    run = JobRun.objects.get()
    assert (run.duration_seconds, run.succeeded) == (0.5, True)
    assert run.finished_at >= first

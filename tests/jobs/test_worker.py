import logging
import threading
import time
from collections.abc import Callable

import pytest

from hypercare.jobs import JOBS, Job
from hypercare.worker import run

WAIT_LIMIT_SECONDS = 10


def _counting() -> tuple[list[float], Callable[[], dict[str, int]]]:
    runs: list[float] = []

    def job() -> dict[str, int]:
        runs.append(time.monotonic())
        return {"done": 1}

    return runs, job


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_every_job_runs_at_once_then_again_at_its_interval() -> None:
    fast_runs, fast = _counting()
    slow_runs, slow = _counting()
    stop = threading.Event()
    jobs = {"fast": Job(fast, interval_seconds=0.05), "slow": Job(slow, interval_seconds=60)}
    thread = threading.Thread(target=run, args=(jobs, stop))

    thread.start()
    _until(lambda: len(fast_runs) >= 4)
    stop.set()
    thread.join(timeout=WAIT_LIMIT_SECONDS)

    assert not thread.is_alive()
    assert len(fast_runs) >= 4
    assert len(slow_runs) == 1
    gaps = [later - earlier for earlier, later in zip(fast_runs, fast_runs[1:], strict=False)]
    assert min(gaps) >= 0.045


def test_a_failing_job_is_logged_and_the_others_carry_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    healthy_runs, healthy = _counting()
    failures: list[int] = []

    def broken() -> dict[str, int]:
        failures.append(1)
        raise RuntimeError("database went away")

    stop = threading.Event()
    jobs = {"broken": Job(broken, 0.02), "healthy": Job(healthy, 0.02)}
    thread = threading.Thread(target=run, args=(jobs, stop))

    with caplog.at_level(logging.ERROR, logger="hypercare.worker"):
        thread.start()
        _until(lambda: len(failures) >= 3 and len(healthy_runs) >= 3)
        stop.set()
        thread.join(timeout=WAIT_LIMIT_SECONDS)

    assert len(failures) >= 3
    assert len(healthy_runs) >= 3
    assert "Job broken failed; it runs again in 0.02 s" in caplog.text
    assert "RuntimeError: database went away" in caplog.text


def test_a_stop_request_waits_for_the_job_in_progress() -> None:
    started = threading.Event()
    finished: list[bool] = []
    stop = threading.Event()

    def slow() -> dict[str, int]:
        started.set()
        time.sleep(0.3)
        finished.append(True)
        return {}

    later_runs, later = _counting()
    thread = threading.Thread(
        target=run, args=({"slow": Job(slow, 60), "later": Job(later, 60)}, stop)
    )
    thread.start()
    started.wait(WAIT_LIMIT_SECONDS)
    stop.set()
    thread.join(timeout=WAIT_LIMIT_SECONDS)

    assert finished == [True]
    assert later_runs == []


def test_the_registry_runs_the_sla_sweep_and_the_outbox_delivery() -> None:
    assert JOBS["sla_sweep"].interval_seconds == 30
    assert JOBS["outbox_delivery"].interval_seconds == 10


@pytest.mark.django_db
def test_the_registered_jobs_run_against_the_database() -> None:
    assert JOBS["outbox_delivery"].function() == {"sent": 0, "failed": 0, "dead": 0}
    assert set(JOBS["sla_sweep"].function()) == {
        "first_response_warnings",
        "first_response_breaches",
        "resolution_warnings",
        "resolution_breaches",
    }

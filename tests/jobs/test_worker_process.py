"""``hypercare worker`` and ``hypercare serve`` as real processes, as an operator runs them."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

HYPERCARE = Path(sys.executable).with_name("hypercare")
WAIT_LIMIT_SECONDS = 30
QUEUE_ONE_MESSAGE = """
from hypercare.lib import clock
from hypercare.notifications.models import OutboxMessage
OutboxMessage.objects.create(
    event="ticket_received", to_email="riya@example.edu", subject="Worker test mail",
    body="Sent by the embedded worker.", dedupe_key="worker-test",
    next_attempt_at=clock.now(), created_at=clock.now(),
)
"""


def _environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "HYPERCARE_DATA_DIR": str(data_dir), **extra}
    for name in ("DATABASE_URL", "EMAIL_BACKEND", "HYPERCARE_EMBEDDED_WORKER"):
        if name not in extra:
            env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An installation with its database migrated, shared by the tests of this module."""
    path = tmp_path_factory.mktemp("installation")
    subprocess.run(  # noqa: S603 (our own console script)
        [str(HYPERCARE), "manage", "migrate", "--verbosity", "0"],
        env=_environment(path),
        check=True,
    )
    return path


def _wait_for(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@contextmanager
def _running(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)  # noqa: S603
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def _children(pid: int) -> dict[int, str]:
    """Each child process of ``pid`` with its command line."""
    listed = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    found = {}
    for child in map(int, listed):
        try:
            found[child] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except FileNotFoundError:
            continue
    return found


def _is_running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


def test_the_worker_delivers_due_mail_and_stops_on_sigterm(data_dir: Path, tmp_path: Path) -> None:
    env = _environment(data_dir)
    subprocess.run(  # noqa: S603
        [str(HYPERCARE), "manage", "shell", "--command", QUEUE_ONE_MESSAGE], env=env, check=True
    )
    log = tmp_path / "worker.log"

    with _running([str(HYPERCARE), "worker"], env, log) as worker:
        delivered = _wait_for(lambda: "Job outbox_delivery: sent 1" in log.read_text())
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=WAIT_LIMIT_SECONDS)

    output = log.read_text()
    assert delivered, output
    assert worker.returncode == 0
    assert "Job worker started" in output
    assert "Job worker stopping (SIGTERM) after the job in progress" in output
    assert output.rstrip().endswith("Job worker stopped")
    spooled = "".join(path.read_text() for path in (data_dir / "mail").iterdir())
    assert spooled.count("Subject: Worker test mail") == 1
    assert "To: riya@example.edu" in spooled


def test_the_worker_stops_when_its_parent_is_killed(data_dir: Path, tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    # The shell starts the worker as its child, names itself as the parent, and waits.
    command = ["/bin/sh", "-c", '"$0" worker --parent $$ & wait', str(HYPERCARE)]

    with _running(command, _environment(data_dir), log) as shell:
        started = _wait_for(lambda: "Job worker started" in log.read_text())
        shell.kill()
        shell.wait()
        stopped = _wait_for(lambda: "Job worker stopped" in log.read_text())

    output = log.read_text()
    assert started, output
    assert stopped, output
    assert f"its parent process {shell.pid} has gone" in output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@contextmanager
def _serving(
    data_dir: Path, log: Path, children: int, **env: str
) -> Iterator[tuple[subprocess.Popen[bytes], dict[int, str]]]:
    """``hypercare serve`` with one web worker, once it answers and has ``children``."""
    port = _free_port()
    command = [str(HYPERCARE), "serve", "--bind", f"127.0.0.1:{port}"]
    env = _environment(data_dir, HYPERCARE_WEB_WORKERS="1", **env)
    with _running(command, env, log) as server:
        assert _wait_for(lambda: _answers(f"http://127.0.0.1:{port}/admin/login/")), log.read_text()
        assert _wait_for(lambda: len(_children(server.pid)) >= children), log.read_text()
        yield server, _children(server.pid)


def test_serve_runs_the_job_worker_beside_gunicorn_and_stops_it(
    data_dir: Path, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    with _serving(data_dir, log, children=2) as (server, children):
        assert _wait_for(lambda: "Job worker started" in log.read_text()), log.read_text()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=WAIT_LIMIT_SECONDS)

    job_workers = [pid for pid, command in children.items() if "hypercare worker" in command]
    assert len(job_workers) == 1, children
    assert f"--parent {server.pid}" in children[job_workers[0]]
    assert server.returncode == 0
    assert "Job worker stopped" in log.read_text()
    assert not _is_running(job_workers[0])


def test_serve_leaves_the_jobs_to_celery_when_told(data_dir: Path, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with _serving(data_dir, log, children=1, HYPERCARE_EMBEDDED_WORKER="false") as (server, _):
        time.sleep(1)
        later = _children(server.pid)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=WAIT_LIMIT_SECONDS)

    assert len(later) == 1, later
    assert not [command for command in later.values() if "hypercare worker" in command]
    assert "Job worker" not in log.read_text()

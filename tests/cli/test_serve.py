import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# Startup migrates a new database first; on a busy 2-core machine that alone took 20 s.
STARTUP_LIMIT_SECONDS = 90
HYPERCARE = Path(sys.executable).with_name("hypercare")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> int | None:
    deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        status = _status(url)
        if status is not None:
            return status
        time.sleep(0.2)
    return None


def test_serve_answers_on_its_bind_address_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "HYPERCARE_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    with (tmp_path / "out.log").open("wb") as out, (tmp_path / "err.log").open("wb") as err:
        process = subprocess.Popen(  # noqa: S603 (our own console script)
            [str(HYPERCARE), "serve", "--bind", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=err,
            env=env,
        )
        try:
            status = _wait_for(f"http://127.0.0.1:{port}/admin/login/", process)
            static = _status(f"http://127.0.0.1:{port}/static/admin/css/base.css")
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=25)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()

    output = (tmp_path / "out.log").read_text()
    assert status == 200, (tmp_path / "err.log").read_text()
    assert static == 200
    assert process.returncode == 0
    assert f"serving on http://127.0.0.1:{port}/" in output
    assert "GET /admin/login/" in output
    assert (tmp_path / "data" / "hypercare.sqlite3").exists()


def test_metrics_count_the_requests_of_every_web_process_whichever_answers(
    tmp_path: Path,
) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "HYPERCARE_DATA_DIR": str(tmp_path / "data"),
        "HYPERCARE_WEB_WORKERS": "3",
        "HYPERCARE_EMBEDDED_WORKER": "false",
        "HYPERCARE_METRICS_ALLOW": "127.0.0.1",
    }
    env.pop("DATABASE_URL", None)
    base = f"http://127.0.0.1:{port}"
    with (tmp_path / "out.log").open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own console script)
            [str(HYPERCARE), "serve", "--bind", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
        try:
            assert _wait_for(f"{base}/healthz", process) == 200
            for _ in range(29):
                assert _status(f"{base}/healthz") == 200
            scrapes = [_healthz_count(f"{base}/metrics") for _ in range(6)]
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=25)
    # Every request the server answered, from its access log: a probe that timed out
    # while the server was starting is answered and counted too.
    answered = (tmp_path / "out.log").read_text().count('"GET /healthz HTTP/1.1" 200')
    assert answered >= 30
    assert scrapes == [float(answered)] * 6


def _healthz_count(url: str) -> float:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
        text = response.read().decode()
    prefix = 'hypercare_request_duration_seconds_count{method="GET",view="ops:healthz"}'
    [count] = [float(line.split()[-1]) for line in text.splitlines() if line.startswith(prefix)]
    return count

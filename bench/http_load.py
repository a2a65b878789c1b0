"""The real server on 127.0.0.1, driven by keep-alive HTTP clients, and its memory.

The server runs as an installation runs it, through ``hypercare serve``; only loopback is
ever contacted.
"""

import http.client
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from bench.measure import latency_summary

HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def server_command(port: int) -> list[str]:
    """``hypercare serve``, exactly as an installation runs it."""
    return [str(Path(sys.executable).parent / "hypercare"), "serve", "--bind", f"{HOST}:{port}"]


class Server:
    """A server process tree for the ``with`` block; stopped however the block ends.

    It inherits this process's environment, so it serves the same data directory and
    database the benchmark seeded.
    """

    def __init__(self, command: list[str], port: int, log: Path) -> None:
        self.command = command
        self.port = port
        self._log_path = log
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Server":
        log = self._log_path.open("wb")
        self._process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            self.command, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        self._wait_until_ready()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        process = self._require_process()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _require_process(self) -> "subprocess.Popen[bytes]":
        if self._process is None:
            raise RuntimeError("The server is not running")
        return self._process

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._require_process().poll() is not None:
                raise RuntimeError(f"The server exited; see {self._log_path}")
            try:
                HttpClient(self.port, token="").get("/api/v1/tickets")
            except OSError:
                time.sleep(0.2)
                continue
            return
        raise RuntimeError(f"The server did not answer within {START_TIMEOUT_S:.0f} s")

    def peak_memory(self) -> dict[str, float | int]:
        """Each server process's highest resident set (VmHWM) and its private memory now.

        VmHWM counts the pages of the database file SQLite has memory-mapped, which all
        processes share; RssAnon is what each process holds on its own.
        """
        statuses = [_memory_kib(pid) for pid in _process_tree(self._require_process().pid)]
        known = [status for status in statuses if status]
        peaks = [status["VmHWM"] for status in known]
        private = [status["RssAnon"] for status in known]
        return {
            "processes": len(known),
            "max_process_mib": round(max(peaks, default=0) / 1024, 1),
            "sum_mib": round(sum(peaks) / 1024, 1),
            "private_max_process_mib": round(max(private, default=0) / 1024, 1),
            "private_sum_mib": round(sum(private) / 1024, 1),
        }


def _process_tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    tree = [root]
    for pid in tree:
        tree.extend(child for child, parent in parents.items() if parent == pid)
    return tree


MEMORY_FIELDS = ("VmHWM:", "RssAnon:")


def _memory_kib(pid: int) -> dict[str, int]:
    """VmHWM and RssAnon of ``pid`` in KiB; empty when the process has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    fields = (line.split() for line in status.splitlines())
    return {row[0].rstrip(":"): int(row[1]) for row in fields if row and row[0] in MEMORY_FIELDS}


class HttpClient:
    """One keep-alive connection speaking JSON with a bearer token."""

    def __init__(self, port: int, token: str) -> None:
        self._connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str) -> int:
        return self._request("GET", path, None)

    def post_json(self, path: str, body: Any) -> int:
        return self._request("POST", path, json.dumps(body))

    def _request(self, method: str, path: str, body: str | None) -> int:
        headers = dict(self._headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            return self._send(method, path, body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self._connection.close()  # the server dropped an idle keep-alive connection
            return self._send(method, path, body, headers)

    def _send(self, method: str, path: str, body: str | None, headers: dict[str, str]) -> int:
        self._connection.request(method, path, body=body, headers=headers)
        response = self._connection.getresponse()
        response.read()
        return response.status


def concurrent_creates(
    port: int, tokens: Sequence[str], payloads: Sequence[dict[str, Any]], deadline_s: float
) -> dict[str, float | int]:
    """POST every payload, one client thread per token, and report tickets per second.

    Each thread takes the next payload from a shared cursor until they run out or the
    deadline passes, so the count is bounded either way.
    """
    cursor = iter(range(len(payloads)))
    lock = threading.Lock()
    durations: list[float] = []
    errors = [0]
    stop_at = time.monotonic() + deadline_s

    def client(token: str) -> None:
        connection = HttpClient(port, token)
        while time.monotonic() < stop_at:
            with lock:
                index = next(cursor, None)
            if index is None:
                return
            started = time.perf_counter()
            try:
                status = connection.post_json("/api/v1/tickets", payloads[index])
            except (OSError, http.client.HTTPException):
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                durations.append(elapsed)
                errors[0] += status != 201

    threads = [threading.Thread(target=client, args=(token,)) for token in tokens]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    created = len(durations) - errors[0]
    latency = latency_summary(durations, errors[0])
    return {
        "clients": len(tokens),
        "created": created,
        "errors": errors[0],
        "seconds": round(wall, 2),
        "tickets_per_s": round(created / wall, 1) if wall else 0.0,
        **{f"request_{key}": latency[key] for key in ("p50_ms", "p95_ms", "max_ms")},
    }

"""Timing helpers shared by the in-process and the HTTP measurements, and the machine
conditions every benchmark prints with its figures."""

import math
import os
import platform
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Any

# A request answers its HTTP status; anything else than the expected one is an error.
Send = Callable[[str], int]


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with ``pct`` % of samples at or below it."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def latency_summary(seconds: Sequence[float], errors: int) -> dict[str, float | int]:
    millis = [value * 1000 for value in seconds]
    return {
        "samples": len(millis),
        "errors": errors,
        "p50_ms": round(percentile(millis, 50), 2),
        "p95_ms": round(percentile(millis, 95), 2),
        "max_ms": round(max(millis, default=math.nan), 2),
    }


def time_requests(send: Send, paths: Sequence[str], expected: int = 200) -> dict[str, float | int]:
    """Send each path in turn, one at a time, and summarise how long each took."""
    durations: list[float] = []
    errors = 0
    for path in paths:
        started = time.perf_counter()
        status = send(path)
        durations.append(time.perf_counter() - started)
        errors += status != expected
    return latency_summary(durations, errors)


def conditions(database_url: str | None, **asked: object) -> dict[str, Any]:
    """What a run measured on, printed with its figures so they can be read against the
    machine (2 shared cores or 16, a busy or an idle one) and against each other;
    ``asked`` adds what the benchmark itself was told to do."""
    return {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "database": "postgresql" if database_url else "sqlite",
        "sqlite": sqlite3.sqlite_version,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": load_average(),
        **asked,
    }


def load_average() -> list[float]:
    return [round(n, 2) for n in os.getloadavg()]

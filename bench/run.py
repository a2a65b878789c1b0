"""Benchmark Hypercare at 10 000 and 100 000 tickets: ``python -m bench.run`` (``make bench``).

For each size a child process seeds a fresh database in a temporary
``HYPERCARE_DATA_DIR`` (never ``var/``), measures the API in-process with Django's test
client and over HTTP against the real server on 127.0.0.1, and reports creation
throughput, queue list, ticket detail and search latencies, the queries per list page
and the server's peak memory. Targets are judged on the HTTP figures, the ones a user
feels. The JSON report goes to stdout and ``bench/results/latest.json``; a Markdown table
of the same figures goes to stderr.

``DATABASE_URL`` from the environment is deliberately ignored, so a benchmark can never
empty a real database. ``--database-url postgres://USER@HOST:PORT/NAME`` (or ``--postgres``
for the local server) benchmarks PostgreSQL instead: each size gets a database
``NAME_<random>`` created on that server and dropped after it (``bench.database``).
The server runs with ``hypercare serve``'s own settings, so ``HYPERCARE_WEB_WORKERS`` and
``HYPERCARE_WEB_THREADS`` compare process and thread counts.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import database
from bench.measure import conditions, load_average

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
SIZE_TIMEOUT_S = 3600
# Passed through to each size's child process unchanged.
CHILD_OPTIONS = ("samples", "in_process_creates", "http_creates", "clients", "http_deadline")


@dataclass(frozen=True)
class Target:
    """A figure the desk must reach at 100 000 tickets on SQLite."""

    name: str
    path: tuple[str, ...]
    limit: float
    at_least: bool = False

    def describe(self) -> str:
        return f"{'>=' if self.at_least else '<'} {self.limit:g}"

    def judge(self, result: dict[str, Any]) -> dict[str, Any]:
        """Pass or fail; a figure taken over failed requests fails whatever its value."""
        value = _dig(result, self.path)
        errors = _dig(result, (*self.path[:-1], "errors"))
        reached = value >= self.limit if self.at_least else value < self.limit
        return {
            "metric": self.name,
            "target": self.describe(),
            "measured": value,
            "errors": errors,
            "pass": bool(reached and errors == 0),
        }


TARGETS = (
    Target("queue list p95 (ms)", ("http", "queue_list", "p95_ms"), 30),
    Target("ticket detail p95 (ms)", ("http", "ticket_detail", "p95_ms"), 30),
    Target("search p95 (ms)", ("http", "search", "p95_ms"), 100),
    Target("HTTP creation (tickets/s)", ("http", "create", "tickets_per_s"), 300, at_least=True),
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[10_000, 100_000],
        help="comma-separated ticket counts, e.g. 10000,100000 (the default)",
    )
    parser.add_argument("--samples", type=int, default=300, help="requests per read metric")
    parser.add_argument("--in-process-creates", type=int, default=300)
    parser.add_argument("--http-creates", type=int, default=2000, help="tickets created over HTTP")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--http-deadline", type=float, default=180.0, help="seconds, at most")
    database.add_arguments(parser)
    parser.add_argument("--output", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    report: dict[str, Any] = {
        "conditions": conditions(args.database_url, http_clients=args.clients),
        "sizes": {},
    }
    for size in args.sizes:
        result = _run_size(size, args)
        result["checks"] = [target.judge(result) for target in TARGETS]
        if any(check["errors"] for check in result["checks"]):
            print(
                f"bench: requests failed at {size}; see {result['server']['log']}", file=sys.stderr
            )
        report["sizes"][str(size)] = result
    report["conditions"]["load_average_at_end"] = load_average()
    text = json.dumps(report, indent=2)
    print(text)
    args.output.write_text(text + "\n")
    print(markdown_table(report), file=sys.stderr)


def _run_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    """Run one size in a child process with its own data directory and database."""
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hypercare-bench-") as data_dir:
        output = Path(data_dir) / "result.json"
        command = [sys.executable, "-m", "bench.child", "--tickets", str(size)]
        for name in CHILD_OPTIONS:
            command += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
        server_log = args.output.parent / f"server-{size}.log"
        command += ["--output", str(output), "--server-log", str(server_log)]
        print(f"bench: {size} tickets in {data_dir}", file=sys.stderr)
        hosts = "127.0.0.1,localhost,testserver"
        with database.child_environment(data_dir, args.database_url, ALLOWED_HOSTS=hosts) as env:
            subprocess.run(  # noqa: S603 (our own interpreter and module)
                command, env=env, check=True, timeout=SIZE_TIMEOUT_S
            )
        result: dict[str, Any] = json.loads(output.read_text())
        return result


def markdown_table(report: dict[str, Any]) -> str:
    """Metric | target | one column per size, ready to paste into the README."""
    sizes = list(report["sizes"])
    lines = [
        "| metric | target | " + " | ".join(f"{int(size):,} tickets" for size in sizes) + " |",
        "|---|---|" + "---|" * len(sizes),
    ]
    for n, target in enumerate(TARGETS):
        cells = []
        for size in sizes:
            check = report["sizes"][size]["checks"][n]
            failed = f" ({check['errors']} failed requests)" if check["errors"] else ""
            cells.append(f"{check['measured']} {'pass' if check['pass'] else 'FAIL'}{failed}")
        lines.append(f"| {target.name} | {target.describe()} | " + " | ".join(cells) + " |")
    for label, path in INFORMATIVE_ROWS:
        cells = [str(_dig(report["sizes"][size], path)) for size in sizes]
        lines.append(f"| {label} | | " + " | ".join(cells) + " |")
    return "\n".join(lines)


INFORMATIVE_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("queue list p50 (ms)", ("http", "queue_list", "p50_ms")),
    ("ticket detail p50 (ms)", ("http", "ticket_detail", "p50_ms")),
    ("search p50 (ms)", ("http", "search", "p50_ms")),
    ("in-process creation (tickets/s)", ("in_process", "create", "tickets_per_s")),
    ("queries per list page", ("queries_per_list_page",)),
    ("searches finding tickets (share)", ("search_hit_share",)),
    ("server peak RSS, largest process (MiB)", ("server", "peak_memory", "max_process_mib")),
    ("server peak RSS, all processes (MiB)", ("server", "peak_memory", "sum_mib")),
    ("server private memory, all processes (MiB)", ("server", "peak_memory", "private_sum_mib")),
    ("seeding time (s)", ("seed_s",)),
)


def _dig(result: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = result
    for key in path:
        value = value[key]
    return value


if __name__ == "__main__":
    main()

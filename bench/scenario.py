"""One benchmark size in a fresh database: seed it, then measure in-process and over HTTP.

``bench.run`` starts this in a child process (through ``bench.child``) whose environment
points ``HYPERCARE_DATA_DIR`` at a new temporary directory and, on PostgreSQL,
``DATABASE_URL`` at a database created for it (``bench.database``): Django reads its
settings once per process, so a fresh process is the simple way to a fresh database per
size. The migrations run here, so the rows they seed (notification templates, the
default SLA policy) are there as in any installation.
"""

import argparse
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import seed
from bench.http_load import HttpClient, Server, concurrent_creates, free_port, server_command
from bench.measure import time_requests
from bench.words import search_phrases, ticket_text
from hypercare import gunicorn_conf
from hypercare.accounts.services import issue_token
from hypercare.orgs.choices import ModuleCode
from hypercare.tickets.models import Ticket


@dataclass(frozen=True)
class Options:
    tickets: int
    samples: int
    in_process_creates: int
    http_creates: int
    clients: int
    http_deadline_s: float
    output: Path
    server_log: Path


def parse_options(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, required=True)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--in-process-creates", type=int, default=300)
    parser.add_argument("--http-creates", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--http-deadline", type=float, default=180.0)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--server-log", type=Path, required=True)
    args = parser.parse_args(argv)
    return Options(
        tickets=args.tickets,
        samples=args.samples,
        in_process_creates=args.in_process_creates,
        http_creates=args.http_creates,
        clients=args.clients,
        http_deadline_s=args.http_deadline,
        output=args.output,
        server_log=args.server_log,
    )


def main(argv: list[str] | None = None) -> None:
    options = parse_options(argv)
    call_command("migrate", verbosity=0)
    options.output.write_text(json.dumps(run_size(options), indent=2))


def run_size(options: Options) -> dict[str, Any]:
    """Seed ``options.tickets`` tickets and take every figure the report needs."""
    started = time.perf_counter()
    desk = seed.build_desk()
    summary = seed.seed_tickets(desk, options.tickets)
    _gather_statistics()
    seed_seconds = time.perf_counter() - started
    workload = Workload.build(desk, summary.record_references, options)
    result: dict[str, Any] = {
        "tickets": summary.tickets,
        "events": summary.events,
        "seed_s": round(seed_seconds, 1),
        **_database_facts(),
    }
    result.update(_in_process_reads(workload))
    result.update(_over_http(workload, options))
    # Last, so the server's job worker is not still mailing these tickets' notices
    # while the HTTP figures are taken.
    result["in_process"]["create"] = _in_process_creates(
        workload.requester_tokens[0], workload.create_payloads[options.http_creates :]
    )
    return result


@dataclass(frozen=True)
class Workload:
    """The requests both measurements send, drawn once so they see the same mix."""

    agent_token: str
    requester_tokens: list[str]
    queue_paths: list[str]
    detail_paths: list[str]
    search_paths: list[str]
    create_payloads: list[dict[str, Any]]

    @classmethod
    def build(cls, desk: seed.Desk, references: list[str], options: Options) -> "Workload":
        rng = random.Random(7)
        agent = desk.agents[0]
        # One requester per client, taken from each institution in turn.
        by_institution = zip(*(staff.requesters for staff in desk.institutions), strict=True)
        requesters = [person for row in by_institution for person in row][: options.clients]
        top = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
        creates = options.in_process_creates + options.http_creates
        return cls(
            agent_token=issue_token(user=agent, name="bench")[1],
            requester_tokens=[issue_token(user=r, name="bench")[1] for r in requesters],
            queue_paths=[_queue_path(rng, desk) for _ in range(options.samples)],
            detail_paths=[_detail_path(rng, top) for _ in range(options.samples)],
            search_paths=[
                "/api/v1/tickets?" + urlencode({"text": phrase, "page_size": 50})
                for phrase in search_phrases(rng, references, options.samples)
            ],
            create_payloads=[_create_payload(rng) for _ in range(creates)],
        )


QUEUE_STATUSES = ("new", "triaged", "in_progress")


def _queue_path(rng: random.Random, desk: seed.Desk) -> str:
    """An agent's team queue: open work, most urgent first, then oldest, 50 a page."""
    query = [
        ("team", rng.choice(desk.teams).pk),
        *(("status", status) for status in QUEUE_STATUSES),
        ("sort", "priority"),
        ("page_size", 50),
        ("page", rng.choice((1, 1, 1, 2, 3))),
    ]
    return "/api/v1/tickets?" + urlencode(query)


def _detail_path(rng: random.Random, top: int) -> str:
    pk = rng.randint(1, top)
    return f"/api/v1/tickets/{quote(f'HC-{pk:06d}') if rng.random() < 0.5 else pk}"


def _create_payload(rng: random.Random) -> dict[str, Any]:
    module = rng.choice(ModuleCode.values)
    text = ticket_text(rng, module)
    category, details = rng.choice(CREATE_CATEGORIES)
    return {
        "module": module,
        "category": category,
        "category_details": details,
        "title": text.title,
        "description": text.description,
        "action_attempted": text.action_attempted,
        "error_seen": text.error_seen,
        "operational_impact": text.operational_impact,
        "urgency": rng.choice(("high", "medium", "low")),
        "impact": rng.choice(("high", "medium", "low")),
    }


CREATE_CATEGORIES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("question", {"screen_or_report": "Fee collection summary"}),
    (
        "configuration",
        {
            "area": "workflow",
            "current_behaviour": "Approval goes to the registrar.",
            "wanted_behaviour": "Approval goes to the head of department first.",
        },
    ),
    ("access", {"user": "clerk.accounts", "role": "Fee clerk", "action": "add"}),
    ("incident", {"since": "2024-01-15T09:30:00+00:00", "users_affected": 40}),
    ("enhancement", {"business_need": "A term-wise fee summary for the board."}),
)


def _gather_statistics() -> None:
    """On PostgreSQL, the table statistics autovacuum gathers within a minute of the seeding.

    Measured before that, the planner knows nothing of the new rows and scans the whole
    ticket table for each search (20 times slower at 2 000 tickets). SQLite gathers none
    by itself, so it is measured as it runs.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _database_facts() -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
        else:
            cursor.execute("SELECT version()")
        version = str(cursor.fetchone()[0])
    return {"database": connection.vendor, "database_version": version}


def _in_process_reads(workload: Workload) -> dict[str, Any]:
    """Django's test client in this process: the application without the web server."""
    agent = Client(headers={"Authorization": f"Bearer {workload.agent_token}"})

    def send(path: str) -> int:
        return int(agent.get(path).status_code)

    for path in workload.queue_paths[:10]:
        send(path)  # warm caches and imports, as a running server would have
    queries = {}
    for name, path in (("list", workload.queue_paths[0]), ("search", workload.search_paths[1])):
        with CaptureQueriesContext(connection) as captured:
            send(path)
        queries[f"queries_per_{name}_page"] = len(captured.captured_queries)
    searches_finding = sum(agent.get(path).json()["count"] > 0 for path in workload.search_paths)
    return {
        **queries,
        # A search index that stopped being maintained answers fast and finds nothing.
        "search_hit_share": round(searches_finding / len(workload.search_paths), 2),
        "in_process": {
            "queue_list": time_requests(send, workload.queue_paths),
            "ticket_detail": time_requests(send, workload.detail_paths),
            "search": time_requests(send, workload.search_paths),
        },
    }


def _in_process_creates(token: str, payloads: list[dict[str, Any]]) -> dict[str, float | int]:
    requester = Client(headers={"Authorization": f"Bearer {token}"})
    created = 0
    started = time.perf_counter()
    for payload in payloads:
        response = requester.post("/api/v1/tickets", payload, content_type="application/json")
        created += response.status_code == 201
    seconds = time.perf_counter() - started
    return {
        "created": created,
        "errors": len(payloads) - created,
        "seconds": round(seconds, 2),
        "tickets_per_s": round(created / seconds, 1) if seconds else 0.0,
    }


def _over_http(workload: Workload, options: Options) -> dict[str, Any]:
    """The real server on loopback: sequential reads, then concurrent creates."""
    port = free_port()
    command = server_command(port)
    with Server(command, port, options.server_log) as server:
        agent = HttpClient(port, workload.agent_token)
        for path in workload.queue_paths[:20]:
            agent.get(path)  # every worker thread opens its connection and warms up
        reads = {
            "queue_list": time_requests(agent.get, workload.queue_paths),
            "ticket_detail": time_requests(agent.get, workload.detail_paths),
            "search": time_requests(agent.get, workload.search_paths),
        }
        create = concurrent_creates(
            port,
            workload.requester_tokens,
            workload.create_payloads[: options.http_creates],
            options.http_deadline_s,
        )
        memory = server.peak_memory()
    return {
        "http": {**reads, "create": create},
        "server": {
            "command": " ".join(["hypercare", *command[1:]]),
            "workers": gunicorn_conf.workers,
            "threads": gunicorn_conf.threads,
            "log": str(options.server_log),
            "peak_memory": memory,
        },
    }

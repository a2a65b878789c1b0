"""The benchmark's own machinery at a tiny size: seeding, and a report with every figure.

No timing is asserted here; ``python -m bench.run`` is where figures are read.
"""

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from django.db import connection

from bench import seed
from bench.measure import conditions
from bench.run import TARGETS
from hypercare.accounts.choices import Role
from hypercare.tickets.choices import EventKind, Status
from hypercare.tickets.models import Ticket, TicketEvent
from hypercare.tickets.selectors import TicketFilters, ticket_list
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def test_seeding_spreads_tickets_over_the_desk_with_their_events(db: None) -> None:
    desk = seed.build_desk()
    summary = seed.seed_tickets(desk, 200)

    tickets = list(Ticket.objects.all())
    assert len(tickets) == summary.tickets == 200
    assert len({ticket.status for ticket in tickets}) == len(Status)
    assert len({ticket.priority for ticket in tickets}) >= 3
    assert len({ticket.category for ticket in tickets}) >= 6
    assert len({ticket.team_id for ticket in tickets}) == len(seed.TEAMS)
    assert len({ticket.institution_id for ticket in tickets}) > 1
    created = Counter(
        TicketEvent.objects.filter(kind=EventKind.CREATED).values_list("ticket_id", flat=True)
    )
    assert set(created) == {ticket.pk for ticket in tickets}
    assert set(created.values()) == {1}
    assert TicketEvent.objects.count() == summary.events > 200


def test_seeded_lifecycles_agree_with_their_status(db: None) -> None:
    seed.seed_tickets(seed.build_desk(), 200)

    for ticket in Ticket.objects.all():
        assert (ticket.assignee_id is None) == (ticket.status == Status.NEW)
        assert (ticket.closed_at is not None) == (ticket.status == Status.CLOSED)
        assert ticket.updated_at >= ticket.created_at
        if ticket.team is not None:
            assert ticket.tier == ticket.team.tier


def test_seeded_tickets_are_found_by_search(db: None) -> None:
    summary = seed.seed_tickets(seed.build_desk(), 200)
    agent = factories.agent(Role.TIER1)

    reference = summary.record_references[0]
    found = ticket_list(agent, TicketFilters(text=reference))
    broad = ticket_list(agent, TicketFilters(text="students"))

    assert any(reference in ticket.description for ticket in found)
    assert 0 < broad.count() < 200


def run_tiny_benchmark(output: Path, *options: str) -> "subprocess.CompletedProcess[str]":
    """``bench.run`` at 200 tickets with a handful of requests: the machinery, not figures."""
    command = [
        *(sys.executable, "-m", "bench.run", "--sizes", "200", "--samples", "5"),
        *("--in-process-creates", "5", "--http-creates", "20", "--clients", "2"),
        *("--output", str(output), *options),
    ]
    return subprocess.run(  # noqa: S603 (our own interpreter and module)
        command, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_every_benchmark_prints_the_machine_its_database_and_what_it_was_asked() -> None:
    on_sqlite = conditions(None, due=500)
    on_postgresql = conditions("postgres://postgres@127.0.0.1:5432/hypercare_bench")

    assert on_sqlite["database"] == "sqlite"
    assert on_postgresql["database"] == "postgresql"
    assert on_sqlite["due"] == 500
    assert on_sqlite["cpus"] == os.cpu_count()
    assert len(on_sqlite["load_average_at_start"]) == 3
    assert {"started_at", "python", "platform", "sqlite"} <= set(on_sqlite)


def test_benchmark_report_has_every_figure_and_target(tmp_path: Path) -> None:
    output = tmp_path / "latest.json"

    finished = run_tiny_benchmark(output)

    assert finished.returncode == 0, finished.stderr[-3000:]
    report = json.loads(output.read_text())
    assert json.loads(finished.stdout) == report
    result = report["sizes"]["200"]
    assert result["tickets"] == 200
    assert result["database"] == "sqlite"
    for mode in ("in_process", "http"):
        for read in ("queue_list", "ticket_detail", "search"):
            assert result[mode][read]["errors"] == 0
            assert {"samples", "p50_ms", "p95_ms", "max_ms"} <= set(result[mode][read])
    assert result["http"]["create"]["created"] == 20
    assert result["in_process"]["create"]["created"] == 5
    assert result["queries_per_list_page"] > 0
    assert result["search_hit_share"] > 0
    assert result["server"]["peak_memory"]["max_process_mib"] > 0
    assert [check["metric"] for check in result["checks"]] == [t.name for t in TARGETS]
    assert [check["errors"] for check in result["checks"]] == [0] * len(TARGETS)
    assert "| queue list p95 (ms) | < 30 |" in finished.stderr


def test_the_benchmark_runs_on_a_postgresql_database_of_its_own(
    tmp_path: Path, postgres_server: str, databases_like: Callable[[str], list[str]]
) -> None:
    """Each size migrates a new database, so the rows migrations seed are there and every
    ticket is created; the database is dropped afterwards. (It once flushed the database
    it was given, templates and default SLA policy with it, and every create failed.)"""
    base = f"{connection.settings_dict['NAME']}_bench"
    output = tmp_path / "latest.json"

    finished = run_tiny_benchmark(output, "--database-url", f"{postgres_server}/{base}")

    assert finished.returncode == 0, finished.stderr[-3000:]
    result = json.loads(output.read_text())["sizes"]["200"]
    assert result["database"] == "postgresql"
    create = result["http"]["create"]
    assert (create["created"], create["errors"]) == (20, 0)
    assert result["in_process"]["create"]["created"] == 5
    assert [check["errors"] for check in result["checks"]] == [0] * len(TARGETS)
    assert databases_like(f"{base}_%") == []

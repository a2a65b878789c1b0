"""The SLA breach sweep over many open tickets: ``python -m bench.sla_sweep``.

Target (issue 4): one ``sweep_sla`` over 100 000 open tickets on SQLite, and 1 000 000 on
PostgreSQL, finishes in under 2 s and touches only the tickets that are due, found through
the partial indexes on the clock columns (``ticket_fr_due``, ``ticket_fr_warn``,
``ticket_res_due``, ``ticket_res_warn``).

Each size runs in a child process with a database of its own (``bench.database``): SQLite
in a temporary ``HYPERCARE_DATA_DIR``, or with ``--database-url postgres://USER@HOST:PORT/NAME``
(``--postgres`` for the local server) a database ``NAME_<random>`` on that server, created
for the size and dropped after it. ``DATABASE_URL`` from the environment is ignored, so the
benchmark never touches a real database.

Tickets are written with ``bulk_create`` straight into the clock columns, as
``replan_ticket`` leaves them: every clock running or met with its due time hours or days
away, except ``--due`` of them (1 000 by default, at every size) that are due at the
sweep's instant, split evenly between a first-response warning, a first-response breach,
a resolution warning and a resolution breach. The due count is the same at every size
because the sweep's work is the due clocks, and what the target tests is that the open
ones cost nothing: the sweep runs every 30 s, and a million open tickets whose clocks run
for a couple of days cross about 700 thresholds in 30 s. A larger ``--due`` measures how
long catching up after a stopped worker takes. Every ticket has an owner and a team with a
lead, so the sweep writes the timeline events and outbox notifications it writes in
production; the default policy bumps nothing.

Printed as JSON (a Markdown table for the README goes to stderr): the sweep's wall time
with due tickets, the time of a second sweep with none left (the bare cost of looking),
the tickets touched against those due (checked in the database: exactly the due rows
changed), and the plan of every query the sweep used to find due rows, run with the same
bound parameters (``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN ANALYZE`` on PostgreSQL).
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import database
from bench.measure import conditions

TARGET_S = 2.0
SWEEP_AT = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
BATCH_SIZE = 5000
SIZE_TIMEOUT_S = 3 * 3600
DUE_KINDS = ("first_response_warning", "first_response_breach", "resolution_warning",
             "resolution_breach")  # fmt: skip
PARTIAL_INDEXES = ("ticket_fr_due", "ticket_fr_warn", "ticket_res_due", "ticket_res_warn")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(part) for part in text.split(",")],
        default=None,
        help="comma-separated open-ticket counts (default 100000; 1000000 on PostgreSQL)",
    )
    database.add_arguments(parser)
    parser.add_argument("--due", type=int, default=1000, help="clocks due at the sweep, per size")
    parser.add_argument("--child-output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sizes is None:
        args.sizes = [1_000_000] if args.database_url else [100_000]
    if not 0 < args.due <= min(args.sizes):
        parser.error("--due: must be above 0 and at most the smallest size")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child_output:
        size = args.sizes[0]
        args.child_output.write_text(json.dumps(measure(size, args.due)))
        return
    report: dict[str, Any] = {
        "conditions": conditions(args.database_url, due=args.due, target_s=TARGET_S),
        "sizes": {},
    }
    for size in args.sizes:
        result = _run_size(size, args)
        result["pass"] = result["sweep_s"] < TARGET_S and result["touched_only_due"]
        report["sizes"][str(size)] = result
    print(json.dumps(report, indent=2))
    print(markdown_table(report), file=sys.stderr)


def _run_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    """One size in a child process, with its own data directory and database."""
    with tempfile.TemporaryDirectory(prefix="hypercare-sla-bench-") as data_dir:
        output = Path(data_dir) / "result.json"
        command = [sys.executable, "-m", "bench.sla_sweep", "--sizes", str(size)]
        command += ["--due", str(args.due), "--child-output", str(output)]
        print(f"bench: sweep over {size} open tickets in {data_dir}", file=sys.stderr)
        with database.child_environment(data_dir, args.database_url) as env:
            subprocess.run(command, env=env, check=True, timeout=SIZE_TIMEOUT_S)
        result: dict[str, Any] = json.loads(output.read_text())
        return result


def measure(size: int, due_count: int) -> dict[str, Any]:
    """In the child: migrate, seed, sweep twice, check what changed, explain the lookups."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    due = seed(size, due_count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seed_s = time.perf_counter() - started

    from hypercare.sla.services import sweep_sla

    started = time.perf_counter()
    counts = sweep_sla(now=SWEEP_AT)
    sweep_s = time.perf_counter() - started
    with _recorded_statements() as statements:
        started = time.perf_counter()
        idle_counts = sweep_sla(now=SWEEP_AT)
        idle_s = time.perf_counter() - started
    plans = [_plan(sql, params) for sql, params in statements]
    changed = _changed_rows()
    due_count = sum(due.values())
    return {
        "open_tickets": size,
        "vendor": connection.vendor,
        "due": due,
        "sweep_s": round(sweep_s, 3),
        # The sweep is a lookup on the partial indexes, then a transaction per due clock.
        "ms_per_due_clock": round(1000 * sweep_s / due_count, 2) if due_count else None,
        "touched": counts,
        "idle_sweep_s": round(idle_s, 4),
        "idle_sweep_touched": sum(idle_counts.values()),
        "changed_in_database": changed,
        "touched_only_due": counts == due and changed == due and not any(idle_counts.values()),
        "lookups_use_partial_indexes": all(plan["partial_index"] for plan in plans),
        "lookups": plans,
        "seed_s": round(seed_s, 1),
    }


def seed(size: int, due_count: int) -> dict[str, int]:
    """``size`` open tickets, ``due_count`` of them spread evenly and due; how many of each kind."""
    from django.db import transaction

    from hypercare.accounts.choices import Role
    from hypercare.accounts.services import create_user
    from hypercare.orgs.services import create_institution
    from hypercare.sla.models import SlaPolicy
    from hypercare.tickets.models import Ticket

    institution = create_institution(name="Bench University", slug="bench")
    module = institution.modules.get(code="finance")
    people = {
        name: create_user(
            username=name,
            email=f"{name}@bench.example",
            password=None,
            roles=roles,
            institution=institution if Role.REQUESTER in roles else None,
        )
        for name, roles in (
            ("requester", [Role.REQUESTER]),
            ("agent", [Role.TIER1]),
            ("lead", [Role.TIER1]),
            ("manager", [Role.ESCALATION_MANAGER]),
        )
    }
    team = _team(people["lead"])
    common = {
        "institution": institution,
        "requester": people["requester"],
        "reported_by": people["requester"],
        "assignee": people["agent"],
        "team": team,
        "module": module,
        "sla_policy": SlaPolicy.objects.get(is_default=True),
    }
    stride = max(1, size // due_count)
    due = dict.fromkeys(DUE_KINDS, 0)
    with transaction.atomic():
        for start in range(0, size, BATCH_SIZE):
            batch = []
            for n in range(start, min(start + BATCH_SIZE, size)):
                is_due = n % stride == 0 and n // stride < due_count
                kind = DUE_KINDS[n // stride % len(DUE_KINDS)] if is_due else ""
                if kind:
                    due[kind] += 1
                batch.append(Ticket(**common, **_ticket_fields(n, kind)))
            Ticket.objects.bulk_create(batch)
    return {
        "first_response_warnings": due["first_response_warning"],
        "first_response_breaches": due["first_response_breach"],
        "resolution_warnings": due["resolution_warning"],
        "resolution_breaches": due["resolution_breach"],
    }


def _team(lead: Any) -> Any:
    from hypercare.orgs.models import Team

    team = Team.objects.create(name="Bench desk", slug="bench-desk", lead=lead)
    team.members.add(lead)
    return team


def _ticket_fields(n: int, kind: str) -> dict[str, Any]:
    """One open medium ticket's fields; its clocks due now if ``kind`` says so."""
    from hypercare.sla.choices import ClockState

    created = SWEEP_AT - timedelta(hours=1, minutes=n % 600)
    ahead = timedelta(hours=2 + n % 70)
    fields: dict[str, Any] = {
        "category": "question",
        "title": f"Bench ticket {n}",
        "description": "Seeded by bench.sla_sweep.",
        "priority": "medium",
        "status": "in_progress",
        "created_at": created,
        "updated_at": created,
        "resolution_state": ClockState.RUNNING,
        "resolution_due_at": SWEEP_AT + ahead + timedelta(days=2),
        "resolution_warn_at": SWEEP_AT + ahead + timedelta(days=1),
    }
    if n % 5 < 3 or kind.startswith("resolution"):
        fields.update(
            first_response_state=ClockState.MET,
            first_response_due_at=created + timedelta(hours=8),
            first_responded_at=created + timedelta(minutes=30),
        )
    else:
        fields.update(
            first_response_state=ClockState.RUNNING,
            first_response_due_at=SWEEP_AT + ahead,
            first_response_warn_at=SWEEP_AT + ahead - timedelta(hours=2),
        )
    if kind:
        fields.update(_due_now(kind.rsplit("_", 1)[0], kind.endswith("breach")))
    return fields


def _due_now(clock: str, breach: bool) -> dict[str, Any]:
    """A running clock past its warning time, or (already warned) past its due time."""
    from hypercare.sla.choices import ClockState

    minute = timedelta(minutes=1)
    return {
        f"{clock}_state": ClockState.RUNNING,
        f"{clock}_warn_at": SWEEP_AT - (30 if breach else 1) * minute,
        f"{clock}_warned_at": SWEEP_AT - 30 * minute if breach else None,
        f"{clock}_due_at": SWEEP_AT - minute if breach else SWEEP_AT + 30 * minute,
    }


@contextmanager
def _recorded_statements() -> Iterator[list[tuple[str, Any]]]:
    """The SQL and parameters of each query that looks for due clocks on the ticket table."""
    from django.db import connection

    statements: list[tuple[str, Any]] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        looks_for_due = '_at" <=' in sql and sql.lstrip().upper().startswith("SELECT")
        if looks_for_due and 'FROM "tickets_ticket"' in sql:
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield statements


def _plan(sql: str, params: Any) -> dict[str, Any]:
    """The query's plan as the database runs it, with the very parameters the sweep bound."""
    from django.db import connection

    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    with connection.cursor() as cursor:
        cursor.execute(explain + sql, params)
        rows = cursor.fetchall()
    lines = [str(row[-1]) for row in rows]
    used = sorted({name for name in PARTIAL_INDEXES for line in lines if name in line})
    where = sql.split(" WHERE ", 1)[-1]
    return {"where": where, "partial_index": used, "plan": lines}


def _changed_rows() -> dict[str, int]:
    """How many tickets carry the sweep's instant in each warning and breach column."""
    from hypercare.tickets.models import Ticket

    tickets = Ticket.objects.all()
    return {
        "first_response_warnings": tickets.filter(first_response_warned_at=SWEEP_AT).count(),
        "first_response_breaches": tickets.filter(first_response_breached_at=SWEEP_AT).count(),
        "resolution_warnings": tickets.filter(resolution_warned_at=SWEEP_AT).count(),
        "resolution_breaches": tickets.filter(resolution_breached_at=SWEEP_AT).count(),
    }


def markdown_table(report: dict[str, Any]) -> str:
    """One row per size, ready to paste into the README."""
    database = report["conditions"]["database"]
    lines = [
        "| database | open tickets | due | touched | sweep (s) | ms per due clock "
        "| idle sweep (s) | partial indexes used | target < 2 s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for size, result in report["sizes"].items():
        indexes = sorted({name for plan in result["lookups"] for name in plan["partial_index"]})
        lines.append(
            f"| {database} | {int(size):,} | {sum(result['due'].values()):,} "
            f"| {sum(result['touched'].values()):,} | {result['sweep_s']} "
            f"| {result['ms_per_due_clock']} | {result['idle_sweep_s']} | {', '.join(indexes)} "
            f"| {'pass' if result['pass'] else 'FAIL'} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()

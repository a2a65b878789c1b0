"""The dashboards over a million tickets on PostgreSQL: ``python -m bench.reports``.

Target (issue 15): with 1 000 000 tickets and their timelines, every dashboard case
answers with p95 under 300 ms, for a support manager (all institutions) and for an
institution's admin (their own). The cases are the dashboard page over 30 days and 52
weeks (all institutions, one institution, one module), the list a breached figure drills
down to, the recurring issues page, and ``GET /api/v1/reports/dashboard``. Each request
goes through the whole Django stack in this process (Django's test client, signed in:
middleware, view, selectors, template or JSON), without the network.

Unlike the other benchmarks, this one keeps its database: seeding a million tickets takes
minutes, so a rerun finds the tickets already there (it counts them) and only measures.
``--reseed`` empties the tickets (and every row that refers to one) and seeds them again;
so does asking for another ``--tickets`` count. The database is named by
``--database-url`` (by default the local server's ``hypercare_bench``) and must have
"bench" in its name, since the benchmark empties its tickets; ``DATABASE_URL`` from the
environment is ignored.

The desk (12 institutions, 8 teams and their people, from ``bench.seed``) is made through
the services. The tickets and their timelines are made by the database itself, an
``INSERT ... SELECT`` over ``generate_series`` per 100 000 tickets: spread over the last
365 days, across institutions of different sizes, every module, category, channel and
priority, routed to the module's team (integrations and incidents often to the engineers)
at its tier. Each ticket's SLA clocks follow the design's default targets (critical 15 min
/ 4 h, high 2 h / 1 d, medium 8 h / 3 d, low 2 d / next release): about one first response
in eight and one resolution in ten come too late and are recorded as breached, as are the
clocks of open tickets past their due time. Most old tickets are closed; recent ones are
still open in every status, and about one in seventy stays open for long. The timeline
has the ``created`` event, the first public reply, each status change and each breach.

Before measuring, the ``day_counts`` job counts the complete days ahead for the readers'
zones (``hypercare.reports.daycounts``), as a running desk's worker keeps them, and the
``title_counts`` job counts the title groups ahead (``hypercare.reports.titlecounts``);
the answers say how much they counted and how long it took.

The review pack case (target: under 10 s) builds the monthly review pack for all
institutions as the support manager, as the desk does it: ``request_pack`` queues it and
``build_queued_packs`` counts its figures and draws its three files (HTML, PDF, XLSX); a
sample succeeds if the pack ended ready. ``time_callable`` times it the way the requests
are timed, with fewer samples (``--pack-samples``, 3 by default, after one warm-up). Its
breakdown times the same work in two halves, the figures (``pack_content``) and the
files drawn from them. The packs the case builds are deleted again. ``--only pack`` (or
``--only dashboards``) runs one half of the benchmark: the dashboard cases take minutes;
``--case recurring`` times only the dashboard cases whose name holds "recurring".
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.measure import conditions, latency_summary, load_average

LOCAL_DATABASE = "postgres://postgres@127.0.0.1:5432/hypercare_bench"
TARGET_MS = 300.0
SAMPLES = 20
WARM_UP = 2
CHUNK = 100_000
HISTORY_DAYS = 365
TEXTS_PER_MODULE = 100
PACK_TARGET_MS = 10_000.0
PACK_SAMPLES = 3
PACK_WARM_UP = 1
PARTS = ("dashboards", "pack")
MANAGER = "bench-manager"
ADMIN = "bench-institution-admin"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=SAMPLES, help="requests per case")
    parser.add_argument("--pack-samples", type=int, default=PACK_SAMPLES, help="review packs built")
    parser.add_argument(
        "--only", choices=PARTS, help="time the dashboards or the review pack alone"
    )
    parser.add_argument(
        "--case",
        default="",
        metavar="TEXT",
        help="time only the dashboard cases whose name holds TEXT (e.g. 'recurring')",
    )
    parser.add_argument("--reseed", action="store_true", help="seed the tickets again")
    parser.add_argument(
        "--database-url",
        type=_bench_url,
        default=LOCAL_DATABASE,
        metavar="postgres://USER@HOST:PORT/NAME",
        help=f"the database kept between runs (default: {LOCAL_DATABASE})",
    )
    return parser.parse_args(argv)


def _bench_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("postgres", "postgresql"):
        raise argparse.ArgumentTypeError("must be a postgres:// URL")
    if "bench" not in parts.path:
        raise argparse.ArgumentTypeError("the database's name must contain 'bench'")
    return text


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    report: dict[str, Any] = {
        "conditions": conditions(args.database_url, tickets=args.tickets, target_ms=TARGET_MS)
    }
    with tempfile.TemporaryDirectory(prefix="hypercare-reports-bench-") as data_dir:
        _configure(data_dir, args.database_url)
        report["result"] = measure(args)
    report["conditions"]["load_average_at_end"] = load_average()
    print(json.dumps(report, indent=2))
    print(markdown_table(report["result"]), file=sys.stderr)


def _configure(data_dir: str, database_url: str) -> None:
    for name in ("DATABASE_URL", "SECRET_KEY"):
        os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="hypercare.settings",
        HYPERCARE_DATA_DIR=data_dir,
        DATABASE_URL=database_url,
        DEBUG="false",
        LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="testserver",
    )


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Migrate, seed unless already seeded, then time every case for both readers."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    readers = ensure_desk()
    seeded = ensure_tickets(args.tickets, reseed=args.reseed)
    seeded["day_counts"] = count_days()
    seeded["title_counts"] = count_titles()
    seeded["vacuum_analyze_s"] = vacuum_analyze()
    results = {}
    if args.only in (None, "dashboards"):
        for persona, user in readers.items():
            for case in cases(persona, user):
                if args.case not in case.name:
                    continue
                results[f"{persona}: {case.name}"] = time_case(user, case, args.samples)
                print(f"bench: {persona}: {case.name} {results[f'{persona}: {case.name}']}",
                      file=sys.stderr)  # fmt: skip
    found = {"tickets": args.tickets, **seeded, "cases": results}
    if args.only in (None, "pack"):
        found["pack"] = time_pack(readers.manager, args.pack_samples)
        print(f"bench: support manager: {PACK_CASE} {found['pack']}", file=sys.stderr)
    return found


@dataclass(frozen=True)
class Readers:
    manager: Any
    admin: Any

    def items(self) -> Iterator[tuple[str, Any]]:
        yield "support manager", self.manager
        yield "institution admin", self.admin


def ensure_desk() -> Readers:
    """The bench desk and its two readers, made once and found again on later runs."""
    from hypercare.accounts.choices import Role
    from hypercare.accounts.models import User
    from hypercare.accounts.services import create_user
    from hypercare.orgs.models import Institution

    if not Institution.objects.filter(slug="bench-1").exists():
        from bench import seed

        seed.build_desk()
        create_user(
            username=MANAGER,
            email=f"{MANAGER}@bench.example.edu",
            password=None,
            roles=[Role.SUPPORT_MANAGER],
        )
        create_user(
            username=ADMIN,
            email=f"{ADMIN}@bench.example.edu",
            password=None,
            roles=[Role.INSTITUTION_ADMIN],
            institution=Institution.objects.get(slug="bench-1"),
        )
    return Readers(User.objects.get(username=MANAGER), User.objects.get(username=ADMIN))


def ensure_tickets(count: int, *, reseed: bool) -> dict[str, Any]:
    """Seed ``count`` tickets unless exactly that many are there already."""
    from django.db import connection

    from hypercare.tickets.models import Ticket, TicketEvent

    found = Ticket.objects.count()
    if found == count and not reseed:
        return {"seeded": "reused", "events": TicketEvent.objects.count()}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE tickets_ticket RESTART IDENTITY CASCADE")
        _desk_tables(cursor)
        for first in range(1, count + 1, CHUNK):
            last = min(first + CHUNK - 1, count)
            cursor.execute(TICKETS_SQL, _ticket_parameters(first, last, count))
            cursor.execute(EVENTS_SQL, {"first": first, "last": last})
            print(f"bench: seeded {last:,} tickets in {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)  # fmt: skip
    return {
        "seeded": "now",
        "seed_s": round(time.perf_counter() - started, 1),
        "events": TicketEvent.objects.count(),
    }


def count_days() -> dict[str, Any]:
    """What the ``day_counts`` job does before a desk's first dashboard of the day: count
    the complete days of each reader's zone (every day of the year on a first run, only
    the days since on a rerun, when the tickets have not changed). Its answer and
    seconds taken."""
    from hypercare.reports.daycounts import count_days as count

    started = time.perf_counter()
    counted = count()
    return {**counted, "seconds": round(time.perf_counter() - started, 1)}


def count_titles() -> dict[str, Any]:
    """What the ``title_counts`` job does once an hour: count the title groups of the
    last 54 weeks ahead for the recurring issues report. Its answer and seconds taken."""
    from hypercare.reports.titlecounts import count_titles as count

    started = time.perf_counter()
    counted = count()
    return {**counted, "seconds": round(time.perf_counter() - started, 1)}


def vacuum_analyze() -> float:
    """What autovacuum does in time, done before measuring (a server may run without it):
    the visibility map that lets a count be read from an index alone, and statistics for
    every table, the desk's too, without which the planner takes a module filter for one
    row and reads tickets' rows one module at a time. Seconds taken."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - started, 1)


def _desk_tables(cursor: Any) -> None:
    """Temporary tables the seeding SQL picks from: each institution's modules with the
    team they route to, requesters, agents, and ticket texts per module."""
    from bench.seed import TEAMS
    from bench.words import ticket_text
    from hypercare.accounts.choices import Role
    from hypercare.accounts.models import User
    from hypercare.orgs.choices import ModuleCode
    from hypercare.orgs.models import Institution, Module, Team
    from hypercare.tickets.titles import title_key

    institutions = list(Institution.objects.filter(slug__startswith="bench-").order_by("pk"))
    teams = {team.name: team for team in Team.objects.filter(slug__startswith="bench-team-")}
    routed = {code: teams[name] for name, _, codes in TEAMS for code in codes}
    codes = list(ModuleCode.values)
    cursor.execute(
        "CREATE TEMPORARY TABLE bench_module (inst_no int, code_no int, institution_id bigint, "
        "module_id bigint, code text, team_id bigint, tier smallint) ON COMMIT PRESERVE ROWS"
    )
    rows = [
        (n, codes.index(module.code), institution.pk, module.pk, module.code)
        for n, institution in enumerate(institutions)
        for module in Module.objects.filter(institution=institution)
    ]
    cursor.executemany(
        "INSERT INTO bench_module VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [(*row, routed[row[4]].pk, routed[row[4]].tier) for row in rows],
    )
    cursor.execute("CREATE TEMPORARY TABLE bench_requester (inst_no int, n int, user_id bigint)")
    requesters = User.objects.filter(institution__in=institutions, role_grants__role=Role.REQUESTER)
    by_institution: dict[int, list[int]] = {}
    for user_id, institution_id in requesters.order_by("pk").values_list("pk", "institution_id"):
        by_institution.setdefault(institution_id, []).append(user_id)
    cursor.executemany(
        "INSERT INTO bench_requester VALUES (%s, %s, %s)",
        [
            (n, k, user_id)
            for n, institution in enumerate(institutions)
            for k, user_id in enumerate(by_institution[institution.pk])
        ],
    )
    cursor.execute("CREATE TEMPORARY TABLE bench_agent (team_id bigint, n int, user_id bigint)")
    cursor.executemany(
        "INSERT INTO bench_agent VALUES (%s, %s, %s)",
        [
            (team.pk, k, user_id)
            for team in teams.values()
            for k, user_id in enumerate(team.members.order_by("pk").values_list("pk", flat=True))
        ],
    )
    cursor.execute(
        "CREATE TEMPORARY TABLE bench_text (code_no int, n int, title text, title_key text, "
        "description text, action_attempted text, error_seen text, operational_impact text)"
    )
    rng = random.Random(15)
    texts = []
    for code_no, code in enumerate(codes):
        for n in range(TEXTS_PER_MODULE):
            text = ticket_text(rng, code)
            texts.append(
                (
                    code_no,
                    n,
                    text.title[:200],
                    title_key(text.title[:200]),
                    text.description,
                    text.action_attempted,
                    text.error_seen,
                    text.operational_impact,
                )
            )
    cursor.executemany("INSERT INTO bench_text VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", texts)
    cursor.execute("ANALYZE bench_module, bench_requester, bench_agent, bench_text")


def _ticket_parameters(first: int, last: int, count: int) -> dict[str, Any]:
    from hypercare.lib import clock
    from hypercare.orgs.models import Institution, Team
    from hypercare.sla.models import SlaPolicy

    now = clock.now()
    engineers = dict(
        Team.objects.filter(name__in=["Integration engineers", "Platform engineers"]).values_list(
            "name", "pk"
        )
    )
    engineer_tier = Team.objects.get(pk=engineers["Platform engineers"]).tier
    policy = SlaPolicy.objects.filter(is_default=True).values_list("pk", flat=True).first()
    return {
        "first": first,
        "last": last,
        "now": now,
        "start": now - timedelta(days=HISTORY_DAYS),
        "step_s": HISTORY_DAYS * 86400 / max(count, 1),
        "institutions": Institution.objects.filter(slug__startswith="bench-").count(),
        "integration_team": engineers["Integration engineers"],
        "platform_team": engineers["Platform engineers"],
        "engineer_tier": engineer_tier,
        "policy": policy,
        "seed": first / (count + 1),
        "texts": TEXTS_PER_MODULE,
    }


# One chunk of tickets, ``first`` to ``last`` of the series. Each stage draws or derives
# a few columns: the draws, then what they pick (institution, module, text, people), the
# moments each clock would be met at, and from those the status and clock states now.
TICKETS_SQL = """
WITH seeded AS (SELECT setseed(%(seed)s)),
draw AS (
    SELECT g,
        %(start)s::timestamptz + (g * %(step_s)s) * interval '1 second'
            + random() * interval '5 minutes' AS created_at,
        LEAST(%(institutions)s - 1, floor(%(institutions)s * power(random(), 1.6)))::int
            AS inst_no,
        floor(random() * 12)::int AS code_no,
        random() AS r_cat, random() AS r_pri, random() AS r_chan, random() AS r_fr,
        random() AS r_res, random() AS r_open, random() AS r_esc, random() AS r_who,
        random() AS r_text, random() AS r_wait
    FROM seeded, generate_series(%(first)s, %(last)s) AS g
),
picked AS (
    SELECT d.*, m.institution_id, m.module_id,
        CASE WHEN r_cat < 0.30 THEN 'question' WHEN r_cat < 0.45 THEN 'configuration'
             WHEN r_cat < 0.57 THEN 'data_correction' WHEN r_cat < 0.67 THEN 'integration'
             WHEN r_cat < 0.80 THEN 'incident' WHEN r_cat < 0.92 THEN 'access'
             ELSE 'enhancement' END AS category,
        CASE WHEN r_pri < 0.04 THEN 'critical' WHEN r_pri < 0.22 THEN 'high'
             WHEN r_pri < 0.68 THEN 'medium' ELSE 'low' END AS priority,
        CASE WHEN r_chan < 0.45 THEN 'portal' WHEN r_chan < 0.75 THEN 'email'
             WHEN r_chan < 0.90 THEN 'phone' ELSE 'api' END AS channel,
        m.team_id AS module_team, m.tier AS module_tier,
        floor(r_text * %(texts)s)::int AS text_no,
        floor(r_who * 25)::int AS requester_no
    FROM draw d JOIN bench_module m ON m.inst_no = d.inst_no AND m.code_no = d.code_no
),
routed AS (
    SELECT p.*,
        CASE WHEN category = 'integration' AND r_esc < 0.4 THEN %(integration_team)s
             WHEN category = 'incident' AND r_esc < 0.4 THEN %(platform_team)s
             ELSE module_team END AS team_id,
        CASE WHEN category IN ('integration', 'incident') AND r_esc < 0.4
             THEN %(engineer_tier)s ELSE module_tier END AS tier,
        CASE priority WHEN 'critical' THEN 15 WHEN 'high' THEN 120 WHEN 'medium' THEN 480
             ELSE 2880 END AS fr_target,
        CASE priority WHEN 'critical' THEN 240 WHEN 'high' THEN 1440 WHEN 'medium' THEN 4320
             END AS res_target
    FROM picked p
),
timed AS (
    SELECT r.*,
        created_at + fr_target * (0.05 + 1.1 * r_fr) * interval '1 minute' AS fr_at,
        created_at + fr_target * interval '1 minute' AS fr_due,
        created_at + fr_target * 0.75 * interval '1 minute' AS fr_warn,
        created_at + COALESCE(res_target, 60 * 24 * 21) * (0.1 + 1.05 * r_res)
            * interval '1 minute' + fr_target * 0.2 * interval '1 minute' AS res_at,
        created_at + res_target * interval '1 minute' AS res_due,
        created_at + res_target * 0.75 * interval '1 minute' AS res_warn
    FROM routed r
),
judged AS (
    SELECT t.*,
        fr_at <= %(now)s AS responded,
        fr_at <= %(now)s AND res_at <= %(now)s AND r_open >= 0.015 AS finished
    FROM timed t
),
stated AS (
    SELECT j.*,
        CASE WHEN NOT responded THEN 'new'
             WHEN NOT finished THEN
                CASE WHEN r_wait < 0.2 THEN 'triaged' WHEN r_wait < 0.65 THEN 'in_progress'
                     WHEN r_wait < 0.85 THEN 'waiting_on_requester'
                     ELSE 'waiting_on_third_party' END
             WHEN res_at + interval '3 days' > %(now)s THEN 'resolved'
             ELSE 'closed' END AS status,
        CASE WHEN finished AND res_at + interval '3 days' <= %(now)s
             THEN res_at + interval '3 days' + r_wait * interval '4 days' END AS closed_at
    FROM judged j
)
INSERT INTO tickets_ticket (
    requester_erp_role, category, title, title_key, description, action_attempted, error_seen,
    affected_workflow, operational_impact, urgency, impact, priority, priority_overridden,
    channel, category_details, status, tier, created_at, updated_at, first_responded_at,
    resolved_at, closed_at, assignee_id, institution_id, module_id, reported_by_id,
    requester_id, team_id, first_response_breached_at, first_response_due_at,
    first_response_state, first_response_warn_at, first_response_warned_at,
    resolution_breached_at, resolution_due_at, resolution_state, resolution_warn_at,
    resolution_warned_at, sla_paused_minutes, sla_policy_id, release_id
)
SELECT
    '', s.category, x.title, x.title_key, x.description, x.action_attempted, x.error_seen,
    'other', x.operational_impact,
    CASE s.priority WHEN 'critical' THEN 'high' WHEN 'high' THEN 'medium'
         WHEN 'medium' THEN 'medium' ELSE 'low' END,
    CASE s.priority WHEN 'critical' THEN 'high' WHEN 'high' THEN 'high'
         WHEN 'medium' THEN 'medium' ELSE 'low' END,
    s.priority, false, s.channel, '{}'::jsonb, s.status, s.tier, s.created_at,
    COALESCE(s.closed_at, CASE WHEN s.finished THEN s.res_at END,
             CASE WHEN s.responded THEN s.fr_at END, s.created_at),
    CASE WHEN s.responded THEN s.fr_at END,
    CASE WHEN s.finished THEN s.res_at END,
    s.closed_at,
    CASE WHEN s.responded THEN a.user_id END,
    s.institution_id, s.module_id, q.user_id, q.user_id, s.team_id,
    CASE WHEN s.fr_due < LEAST(s.fr_at, %(now)s) THEN s.fr_due END,
    s.fr_due,
    CASE WHEN s.responded AND s.fr_at <= s.fr_due THEN 'met'
         WHEN s.fr_due < LEAST(s.fr_at, %(now)s) THEN 'breached' ELSE 'running' END,
    s.fr_warn,
    CASE WHEN s.fr_warn < LEAST(s.fr_at, %(now)s) THEN s.fr_warn END,
    CASE WHEN s.res_due < LEAST(s.res_at, %(now)s) THEN s.res_due END,
    s.res_due,
    CASE WHEN s.res_due IS NULL THEN CASE WHEN s.finished THEN 'met' ELSE 'next_release' END
         WHEN s.finished AND s.res_at <= s.res_due THEN 'met'
         WHEN s.res_due < LEAST(s.res_at, %(now)s) THEN 'breached'
         WHEN s.status = 'waiting_on_requester' THEN 'paused'
         ELSE 'running' END,
    s.res_warn,
    CASE WHEN s.res_warn < LEAST(s.res_at, %(now)s) THEN s.res_warn END,
    0, %(policy)s, NULL
FROM stated s
JOIN bench_text x ON x.code_no = s.code_no AND x.n = s.text_no
JOIN bench_requester q ON q.inst_no = s.inst_no AND q.n = s.requester_no
LEFT JOIN bench_agent a ON a.team_id = s.team_id AND a.n = floor(s.r_wait * 3)::int
ORDER BY s.g
"""

# The timeline of the same chunk: created, the first public reply with the status it
# moved to, resolved, closed, and each recorded breach (internal, as the sweep writes it).
EVENTS_SQL = """
INSERT INTO tickets_ticketevent (
    kind, created_at, is_internal, body, old_value, new_value, reason, actor_id, ticket_id
)
SELECT e.kind, e.at, e.internal, e.body, e.old_value, e.new_value, '', e.actor, t.id
FROM tickets_ticket t
CROSS JOIN LATERAL (VALUES
    ('created', t.created_at, false, '', '', 'new', t.reported_by_id),
    ('public_reply', t.first_responded_at, false,
     'Thank you, we are looking into it.', '', '', t.assignee_id),
    ('status_changed', t.first_responded_at, false, '', 'new',
     CASE WHEN t.status IN ('resolved', 'closed') THEN 'in_progress' ELSE t.status END,
     t.assignee_id),
    ('status_changed', t.resolved_at, false, '', 'in_progress', 'resolved', t.assignee_id),
    ('status_changed', t.closed_at, false, '', 'resolved', 'closed', NULL),
    ('sla_breached', t.first_response_breached_at, true, '',
     to_json(t.first_response_due_at) #>> '{}', 'first_response', NULL),
    ('sla_breached', t.resolution_breached_at, true, '',
     to_json(t.resolution_due_at) #>> '{}', 'resolution', NULL)
) AS e(kind, at, internal, body, old_value, new_value, actor)
WHERE t.id BETWEEN %(first)s AND %(last)s AND e.at IS NOT NULL
ORDER BY t.id, e.at
"""


@dataclass(frozen=True)
class Case:
    """One request a reader makes, and the status it must answer."""

    name: str
    path: str


def cases(persona: str, user: Any) -> list[Case]:
    """Each dashboard with the filters that change its work, for one reader."""
    from django.urls import reverse

    from hypercare import access
    from hypercare.orgs.models import Institution

    own = user.institution_id or Institution.objects.get(slug="bench-2").pk
    found = [
        Case("dashboard, 30 days", "/reports/"),
        Case("dashboard, 52 weeks", "/reports/?period=52w"),
        Case("dashboard, one institution, 30 days", f"/reports/?institution={own}"),
        Case("dashboard, one institution, 52 weeks", f"/reports/?institution={own}&period=52w"),
        Case("dashboard, module Fees, 30 days", "/reports/?module=fees"),
        Case("dashboard, module Fees, 52 weeks", "/reports/?module=fees&period=52w"),
        Case("recurring issues, 30 days", "/reports/recurring/"),
        Case("recurring issues, 52 weeks", "/reports/recurring/?period=52w"),
        Case("API dashboard, 30 days", "/api/v1/reports/dashboard"),
        Case("API dashboard, 52 weeks", "/api/v1/reports/dashboard?period=52w"),
    ]
    drill = reverse("web:desk" if access.can_manage_desk(user) else "web:report-tickets")
    found.append(Case("drill-down: breached first responses, 30 days", drill + _breached_query()))
    return found


def _breached_query() -> str:
    """What the attainment chart's "breached" bar of high priority links to."""
    from dataclasses import replace

    from hypercare.reports.selectors import ReportFilters, base_filters, window
    from hypercare.web.reports.views import queue_query

    span = window("30d")
    filters = replace(
        base_filters(ReportFilters()),
        created_after=span.start,
        created_before=span.end,
        priority=("high",),
        sla="breached",
        sla_clock="first_response",
    )
    return "?" + urlencode(queue_query(filters))


def time_case(user: Any, case: Case, samples: int) -> dict[str, float | int]:
    """``case`` requested ``samples`` times by ``user``, signed in, after a warm-up."""
    from django.test import Client

    client = Client()
    client.force_login(user)

    def request() -> bool:
        return bool(client.get(case.path).status_code == 200)

    return time_callable(request, samples)


PACK_CASE = "monthly review pack, all institutions (HTML, PDF, XLSX)"


def time_pack(manager: Any, samples: int) -> dict[str, Any]:
    """The monthly pack for all institutions asked for and built ``samples`` times after
    a warm-up, then its figures and its files timed apart; the packs are deleted after."""
    from hypercare.reports.choices import PackKind, PackStatus
    from hypercare.reports.models import ReviewPack
    from hypercare.reports.services import build_queued_packs, request_pack

    built: list[int] = []

    def build() -> bool:
        pack = request_pack(actor=manager, kind=PackKind.MONTHLY, institution=None)
        built.append(pack.pk)
        build_queued_packs()
        pack.refresh_from_db()
        return bool(pack.status == PackStatus.READY)

    try:
        total = time_callable(build, samples, warm_up=PACK_WARM_UP)
        last = ReviewPack.objects.select_related("built_by").get(pk=built[-1])
        return {**total, **pack_breakdown(manager, last, samples)}
    finally:
        ReviewPack.objects.filter(pk__in=built).delete()


def pack_breakdown(manager: Any, pack: Any, samples: int) -> dict[str, Any]:
    """The build's two halves timed apart: its figures counted, its three files drawn."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from hypercare.reports.pack_content import pack_content
    from hypercare.reports.pack_files import pack_html, pack_pdf, pack_xlsx

    def figures() -> bool:
        content = pack_content(
            user=manager, kind=pack.kind, institution=None, progress=lambda _step, _pct: None
        )
        return bool(content["sections"])

    def files() -> bool:
        return all((pack_pdf(pack_html(pack)), pack_xlsx(pack)))

    with timezone.override(ZoneInfo(pack.time_zone)):
        return {
            "figures": time_callable(figures, samples, warm_up=0),
            "files": time_callable(files, samples, warm_up=0),
        }


def time_callable(
    run: Callable[[], bool], samples: int, *, warm_up: int = WARM_UP
) -> dict[str, float | int]:
    """Call ``run`` ``samples`` times after ``warm_up`` calls; it answers whether it
    succeeded."""
    for _ in range(warm_up):
        run()
    durations: list[float] = []
    errors = 0
    for _ in range(samples):
        started = time.perf_counter()
        errors += not run()
        durations.append(time.perf_counter() - started)
    return latency_summary(durations, errors)


def markdown_table(result: dict[str, Any]) -> str:
    """Case | p50 | p95 | pass, one row per reader and case and one for the review pack
    with its two halves, ready for the README."""
    lines = [
        f"{result['tickets']:,} tickets, {result['events']:,} timeline events (PostgreSQL)",
        "",
        "| reader: case | p50 (ms) | p95 (ms) | target p95 | errors |",
        "|---|---|---|---|---|",
    ]
    rows: list[tuple[str, dict[str, Any], float | None]] = [
        (name, figures, TARGET_MS) for name, figures in result["cases"].items()
    ]
    if "pack" in result:
        pack = result["pack"]
        rows += [
            (f"support manager: {PACK_CASE}", pack, PACK_TARGET_MS),
            (" … its figures (`pack_content`)", pack["figures"], None),
            (" … its three files drawn", pack["files"], None),
        ]
    for name, figures, target in rows:
        verdict = "" if target is None else " ✓" if _met(figures, target) else " ✗"
        lines.append(
            f"| {name} | {figures['p50_ms']} | {figures['p95_ms']}{verdict} | "
            f"{'' if target is None else f'< {target:g} ms'} | {figures['errors']} |"
        )
    return "\n".join(lines)


def _met(figures: dict[str, Any], target: float) -> bool:
    return bool(figures["p95_ms"] < target and not figures["errors"])


if __name__ == "__main__":
    main()

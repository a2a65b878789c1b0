"""The dashboards' counts, added up by the database from complete days counted ahead and
from the tickets themselves for the rest.

A dashboard over a year of a million tickets cannot count the tickets at each request:
reading their index entries alone takes seconds. So each complete local day of each time
zone the report readers read in is counted once into ``DayCounts`` rows (per institution,
module, category and team), and a dashboard adds up the rows of its period's complete
days with the tickets of the days not counted yet (today, and any day the job has not
reached), counted live in the same query: the same numbers as counting every ticket.

The ``day_counts`` job keeps the rows true. Each run counts the days completed since the
last one and counts again every day a changed ticket may have been counted on: a
ticket's moments all fall on or after the day it was opened, so the days from the
earliest opening among the tickets changed since the last run (their ``updated_at``, or
a breach the SLA sweep recorded) up to yesterday. Until that run, a change to a ticket of
a past day shows in its drill-down list but not yet in the day's count.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.orgs.choices import Tier
from hypercare.orgs.models import Institution
from hypercare.reports import timebins
from hypercare.reports.models import CLOCK_NAMES, COUNT_COLUMNS, DayCounts, DayCountsZone
from hypercare.sla.choices import ClockState
from hypercare.tickets.choices import PRIORITY_ORDER, Category, Channel
from hypercare.tickets.models import Ticket

# What a row is counted per; the names of the columns on both Ticket and DayCounts.
DIMENSIONS = ("institution_id", "module_id", "category", "team_id")
# How far back a run looks for changes before the last run's start: a use case stamps
# its ticket when it starts and commits later, so a run may not have seen it yet.
CHANGE_MARGIN = timedelta(minutes=10)
# How long counted days are added up after the job last checked them: a desk whose
# worker stopped counts live (slower, but never keeps a change out of its figures).
TRUSTED_FOR = timedelta(hours=1)
# The people whose zones are counted ahead: those who read the dashboards.
READER_ROLES = (Role.SUPPORT_MANAGER, Role.ADMIN, Role.INSTITUTION_ADMIN)


def opened_counts() -> dict[str, Count]:
    """The columns counted on the day a ticket was opened."""
    counts: dict[str, Count] = {"opened": Count("pk")}
    for priority in PRIORITY_ORDER:
        for name in CLOCK_NAMES:
            for standing, state in (("met", ClockState.MET), ("breached", ClockState.BREACHED)):
                counts[f"{priority}_{name}_{standing}"] = Count(
                    "pk", filter=Q(priority=priority, **{f"{name}_state": state})
                )
    for tier in Tier.values:
        counts[f"tier_{tier}"] = Count("pk", filter=Q(tier=tier))
    for channel in Channel.values:
        counts[f"channel_{channel}"] = Count("pk", filter=Q(channel=channel))
    for category in Category.values:
        counts[f"category_{category}"] = Count("pk", filter=Q(category=category))
    return counts


def live_parts(
    tickets: QuerySet[Ticket],
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    columns: Sequence[str] = COUNT_COLUMNS,
) -> list[tuple[str, list[Any]]]:
    """The tickets' counts per local day and ``DIMENSIONS`` from ``start`` to ``end``, as
    SQL selecting the day, the dimensions and each of ``columns`` (by default every
    count column): one part for the moments counted on the opening day, one for the
    resolutions, each left out when none of its columns is asked for."""
    counts = {name: count for name, count in opened_counts().items() if name in columns}
    parts = []
    if counts:
        opened = (
            tickets.filter(created_at__gte=start, created_at__lt=end)
            .annotate(day=TruncDate("created_at", tzinfo=zone))
            .values("day", *DIMENSIONS)
            .annotate(**counts)
            .order_by()
        )
        parts.append(_part(opened, set(counts), columns))
    if "resolved" in columns:
        resolved = (
            tickets.filter(resolved_at__gte=start, resolved_at__lt=end)
            .annotate(day=TruncDate("resolved_at", tzinfo=zone))
            .values("day", *DIMENSIONS)
            .annotate(resolved=Count("pk"))
            .order_by()
        )
        parts.append(_part(resolved, {"resolved"}, columns))
    return parts


def counted_part(
    rows: QuerySet[DayCounts], columns: Sequence[str] = COUNT_COLUMNS
) -> tuple[str, list[Any]]:
    """Counted rows, as SQL shaped like ``live_parts``."""
    return _part(rows.values("day", *DIMENSIONS, *columns).order_by(), set(columns), columns)


def _part(rows: QuerySet[Any], present: set[str], columns: Sequence[str]) -> tuple[str, list[Any]]:
    inner, params = rows.query.sql_with_params()
    counts = ", ".join(
        f"part.{column}" if column in present else f"0 AS {column}" for column in columns
    )
    names = ", ".join(f"part.{name}" for name in ("day", *DIMENSIONS))
    return f"SELECT {names}, {counts} FROM ({inner}) AS part", list(params)  # noqa: S608 (constants)


def union(parts: Iterable[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    sqls, params = [], []
    for sql, part_params in parts:
        sqls.append(sql)
        params.extend(part_params)
    return " UNION ALL ".join(sqls), params


def counted_zone(zone: ZoneInfo) -> DayCountsZone | None:
    """How far ``zone``'s days are counted, unless the job has not checked them lately."""
    return DayCountsZone.objects.filter(
        time_zone=str(zone), checked_at__gte=clock.now() - TRUSTED_FOR
    ).first()


def reader_zones() -> set[str]:
    """The zones the dashboards are read in: each reader's own, else their institution's,
    and the desk's default for readers of no institution."""
    readers = User.objects.filter(is_active=True, role_grants__role__in=READER_ROLES)
    zones = set(readers.exclude(time_zone="").values_list("time_zone", flat=True))
    zones |= set(
        Institution.objects.filter(
            pk__in=readers.filter(time_zone="").values("institution_id")
        ).values_list("time_zone", flat=True)
    )
    if readers.filter(time_zone="", institution__isnull=True).exists():
        zones.add("UTC")
    return zones


def count_days() -> dict[str, int]:
    """The ``day_counts`` job: bring every reader zone's ``DayCounts`` up to yesterday and
    count again the days the tickets changed since the last run were counted on. Returns
    how many zones were checked and how many days counted."""
    zones = sorted(reader_zones())
    days = sum(count_zone(ZoneInfo(name)) for name in zones)
    return {"zones": len(zones), "days": days}


def count_zone(zone: ZoneInfo) -> int:
    """Count ``zone``'s days that need it (see the module's docstring); how many."""
    now = clock.now()
    yesterday = timezone.localdate(now, zone) - timedelta(days=1)
    with use_case():
        # One run per zone at a time: two would delete and insert the same days.
        DayCountsZone.objects.get_or_create(time_zone=str(zone), defaults={"checked_at": now})
        state = DayCountsZone.objects.select_for_update().get(time_zone=str(zone))
        if state.counted_through is None:
            start = yesterday + timedelta(days=1)
            changed = Ticket.objects.all()
        else:
            start = state.counted_through + timedelta(days=1)
            since = state.checked_at - CHANGE_MARGIN
            changed = Ticket.objects.filter(
                Q(updated_at__gte=since)
                | Q(first_response_breached_at__gte=since)
                | Q(resolution_breached_at__gte=since)
            )
        first = changed.aggregate(first=Min("created_at"))["first"]
        if first is not None:
            start = min(start, timezone.localdate(first, zone))
        if start <= yesterday:
            _recount(zone, start, yesterday)
            timebins.recount(zone, start, yesterday)
        state.counted_through = yesterday
        state.checked_at = now
        state.save(update_fields=["counted_through", "checked_at"])
    return max((yesterday - start).days + 1, 0)


def _recount(zone: ZoneInfo, first: date, last: date) -> None:
    """Replace ``zone``'s rows of the days ``first`` to ``last`` by the tickets' counts:
    per category, then those added up over the categories."""
    DayCounts.objects.filter(
        time_zone=str(zone), span="day", day__gte=first, day__lte=last
    ).delete()
    facts, params = union(
        live_parts(Ticket.objects.all(), _midnight(first, zone), _midnight(last, zone, 1), zone)
    )
    table = DayCounts._meta.db_table
    columns = ", ".join(("time_zone", "span", "day", *DIMENSIONS, *COUNT_COLUMNS))
    sums = ", ".join(f"SUM({column})" for column in COUNT_COLUMNS)
    keys = ", ".join(("day", *DIMENSIONS))
    every = ", ".join("''" if name == "category" else name for name in ("day", *DIMENSIONS))
    others = ", ".join(name for name in ("day", *DIMENSIONS) if name != "category")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) "  # noqa: S608 (constants)
            f"SELECT %s, 'day', {keys}, {sums} FROM ({facts}) AS facts GROUP BY {keys}",
            [str(zone), *params],
        )
        cursor.execute(
            f"INSERT INTO {table} ({columns}) "  # noqa: S608 (constants)
            f"SELECT time_zone, 'day', {every}, {sums} FROM {table} WHERE time_zone = %s "
            f"AND span = 'day' AND day >= %s AND day <= %s AND category <> '' "
            f"GROUP BY time_zone, {others}",
            [str(zone), first, last],
        )
        _count_weeks(cursor, zone, first, last)


def _count_weeks(cursor: Any, zone: ZoneInfo, first: date, last: date) -> None:
    """Replace the week rows of each week of ``first`` to ``last`` complete by ``last``
    by its days' rows added up, in one statement."""
    monday = first - timedelta(days=first.weekday())
    cutoff = last + timedelta(days=1)
    cutoff -= timedelta(days=cutoff.weekday())
    if cutoff <= monday:
        return
    DayCounts.objects.filter(
        time_zone=str(zone), span="week", day__gte=monday, day__lt=cutoff
    ).delete()
    table = DayCounts._meta.db_table
    columns = ", ".join(("time_zone", "span", "day", *DIMENSIONS, *COUNT_COLUMNS))
    sums = ", ".join(f"SUM({column})" for column in COUNT_COLUMNS)
    dimensions = ", ".join(DIMENSIONS)
    week = timebins.week_of("day")
    cursor.execute(
        f"INSERT INTO {table} ({columns}) "  # noqa: S608 (constants)
        f"SELECT time_zone, 'week', {week}, {dimensions}, {sums} FROM {table} "
        f"WHERE time_zone = %s AND span = 'day' AND day >= %s AND day < %s "
        f"GROUP BY time_zone, {week}, {dimensions}",
        [str(zone), monday, cutoff],
    )


def _midnight(day: date, zone: ZoneInfo, days: int = 0) -> datetime:
    return datetime.combine(day + timedelta(days=days), time(), tzinfo=zone)

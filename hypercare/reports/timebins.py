"""The first-response and resolution times of dashboards of weeks, from bins counted ahead.

A median cannot be added up from counts, and sorting a year's times (a million tickets)
took about a second per figure. So each time is put in a bin 1 % wide: bin ``k`` holds
the times whose seconds ``s`` satisfy ``RATIO**k <= 1 + s < RATIO**(k + 1)``. A period's
bins are summed (a few thousand rows: ``TimeBins`` of its complete weeks and of the
current week's days, counted ahead by the ``day_counts`` job, plus the tickets of the
days not counted yet, binned live in the same query), the ranks of the median and 90th
percentile are found in the summed bins, and each rank's time is read as its bin's
middle, blended between two ranks as PostgreSQL's ``percentile_cont`` does.

The error bound: a bin's middle is at most half its width from any time in it, that is
``(RATIO - 1) / 2 * (1 + s)``, so a figure is within 0.5 % (plus 0.01 s) of the exact
percentile, before both are rounded to a tenth of a minute. Dashboards of days (7 and
30 days) keep the exact percentiles, which are quick over a month; dashboards of weeks
(12 and 52) read the bins whether or not their days are counted ahead, so a figure
does not move when the job catches up.

The bins counted ahead are sliced as the dashboards narrow most: all tickets, one
institution's, one module's across institutions. A dashboard of weeks narrowed
otherwise (a category, a team, or an institution and a module) reads the exact
percentiles from its tickets, as a dashboard of days does: binning them live cost more.
"""

import math
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import TruncDate

from hypercare import access
from hypercare.accounts.models import User
from hypercare.reports.models import TimeBins
from hypercare.tickets.models import Ticket

RATIO = 1.01
# The times measured, from the ticket's creation to this moment.
MEASURES = {"first_response": "first_responded_at", "resolution": "resolved_at"}
# Each slice's value and institution, as SQL over a binned ticket's columns.
SLICES = {
    "": ("''", "NULL"),
    "institution": ("''", "times.institution_id"),
    "module": ("times.module_code", "NULL"),
}


def bin_of(seconds: float) -> int:
    """The bin of a time, as the SQL of ``_bin_sql`` computes it."""
    return math.floor(math.log1p(max(seconds, 0.0)) / math.log(RATIO))


def bin_middle(index: int) -> float:
    """The middle of a bin, in seconds."""
    return ((RATIO**index - 1) + (RATIO ** (index + 1) - 1)) / 2


def percentile(bins: list[tuple[int, int]], fraction: float) -> float | None:
    """The ``fraction`` percentile of the times counted in ``bins`` (bin, count), in
    seconds: each rank's time is its bin's middle, blended between the ranks around
    ``fraction * (n - 1)`` as ``percentile_cont`` does."""
    ordered = sorted((index, count) for index, count in bins if count)
    total = sum(count for _, count in ordered)
    if total == 0:
        return None
    at = fraction * (total - 1)
    below = math.floor(at)
    low, high = _at_rank(ordered, below), _at_rank(ordered, min(below + 1, total - 1))
    return low + (high - low) * (at - below)


def _at_rank(ordered: list[tuple[int, int]], rank: int) -> float:
    seen = 0
    for index, count in ordered:
        seen += count
        if rank < seen:
            return bin_middle(index)
    raise ValueError(f"no rank {rank} among {seen} times")


def _bin_sql(field: str) -> str:
    """A binned ticket's bin, from its ``created_at`` and ``field`` columns."""
    if connection.vendor == "postgresql":
        seconds = f"EXTRACT(EPOCH FROM (binned.{field} - binned.created_at))"
    else:
        seconds = f"((julianday(binned.{field}) - julianday(binned.created_at)) * 86400)"
    return (
        f"CAST(FLOOR(LN(1 + CASE WHEN {seconds} > 0 THEN {seconds} ELSE 0 END) / LN({RATIO})) "
        "AS INTEGER)"
    )


def _binned(
    tickets: QuerySet[Ticket], start: datetime, end: datetime, zone: ZoneInfo
) -> tuple[str, list[Any]]:
    """SQL of the tickets' times reached from ``start`` to ``end``: measure, local day,
    institution, module code and bin."""
    sqls: list[str] = []
    params: list[Any] = []
    for measure, field in MEASURES.items():
        rows = (
            tickets.filter(**{f"{field}__gte": start, f"{field}__lt": end})
            .annotate(day=TruncDate(field, tzinfo=zone), module_code=F("module__code"))
            .values("day", "institution_id", "module_code", "created_at", field)
            .order_by()
        )
        inner, inner_params = rows.query.sql_with_params()
        sqls.append(
            f"SELECT '{measure}' AS measure, binned.day AS day, "  # noqa: S608 (constants)
            f"binned.institution_id AS institution_id, binned.module_code AS module_code, "
            f"{_bin_sql(field)} AS bin FROM ({inner}) AS binned"
        )
        params.extend(inner_params)
    return " UNION ALL ".join(sqls), params


def recount(zone: ZoneInfo, first: date, last: date) -> None:
    """Replace ``zone``'s bins from the Monday of ``first``'s week to ``last`` (yesterday)
    by the tickets': week rows for the weeks complete by ``last``, day rows for the days
    of the week after them (the current week), in one statement."""
    table = TimeBins._meta.db_table
    monday = first - timedelta(days=first.weekday())
    cutoff = last + timedelta(days=1)
    cutoff -= timedelta(days=cutoff.weekday())
    # The rows replaced, and the day rows of weeks now complete.
    TimeBins.objects.filter(
        time_zone=str(zone), span="week", day__gte=monday, day__lt=cutoff
    ).delete()
    TimeBins.objects.filter(time_zone=str(zone), span="day", day__lte=last).delete()
    binned, params = _binned(
        Ticket.objects.all(), _midnight(monday, zone), _midnight(last, zone, 1), zone
    )
    week = week_of("times.day")
    selects: list[str] = []
    select_params: list[Any] = []
    for span, key, kept in (
        ("week", week, "times.day < %s"),
        ("day", "times.day", "times.day >= %s"),
    ):
        for name, (value, institution) in SLICES.items():
            # PostgreSQL refuses a constant in GROUP BY: the slice's own column alone.
            keys = "".join(
                f", {column}" for column in (value, institution) if column.startswith("times.")
            )
            selects.append(
                f"SELECT %s, '{span}', {key}, '{name}', {value}, {institution}, times.measure, "  # noqa: S608 (constants)
                f"times.bin, COUNT(*) FROM times WHERE {kept} "
                f"GROUP BY {key}{keys}, times.measure, times.bin"
            )
            select_params += [str(zone), cutoff]
    columns = "time_zone, span, day, slice, value, institution_id, measure, bin, count"
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH times AS ({binned}) INSERT INTO {table} ({columns}) "  # noqa: S608 (constants)
            + " UNION ALL ".join(selects),
            [*params, *select_params],
        )


def week_of(column: str) -> str:
    """SQL of the Monday of the week of ``column``, a date."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('week', {column}) AS date)"
    weekday = f"((CAST(strftime('%w', {column}) AS INTEGER) + 6) % 7)"
    return f"date({column}, '-' || {weekday} || ' days')"


def week_times(
    user: User,
    slice_of: tuple[str, str, int | None],
    tickets: QuerySet[Ticket],
    start: datetime,
    end: datetime,
    counted_through: date | None,
    zone: ZoneInfo,
) -> dict[str, tuple[int, float | None, float | None]]:
    """Per measure, how many times and their median and 90th percentile in minutes, of
    the period ``start`` to ``end`` (whole weeks from Monday): bins counted ahead for
    ``slice_of`` (slice, value, institution) up to ``counted_through``, ``tickets``
    binned live for the rest (every one, when no day is counted)."""
    parts: list[tuple[str, list[Any]]] = []
    live_from = start
    first_day = start.astimezone(zone).date()
    if counted_through is not None and counted_through >= first_day:
        name, value, institution = slice_of
        last = min(counted_through, end.astimezone(zone).date() - timedelta(days=1))
        # Whole weeks counted, then the days counted of the week after them.
        weeks_end = first_day + timedelta(days=((last - first_day).days + 1) // 7 * 7)
        scope = (
            Q(institution__isnull=True) if institution is None else Q(institution_id=institution)
        )
        counted = TimeBins.objects.filter(
            access.report_counts_scope(user), scope, time_zone=str(zone), slice=name, value=value
        ).filter(
            Q(span="week", day__gte=first_day, day__lt=weeks_end)
            | Q(span="day", day__gte=weeks_end, day__lte=last)
        )
        sql, counted_params = (
            counted.values("measure", "bin", "count").order_by().query.sql_with_params()
        )
        parts.append(
            (
                f"SELECT counted.measure, counted.bin, counted.count FROM ({sql}) AS counted",  # noqa: S608 (constants)
                list(counted_params),
            )
        )  # noqa: S608 (constants)
        live_from = _midnight(last, zone, 1)
    binned, params = _binned(tickets, live_from, end, zone)
    parts.append(
        (f"SELECT binned.measure, binned.bin, 1 AS count FROM ({binned}) AS binned", params)  # noqa: S608 (constants)
    )
    sql = " UNION ALL ".join(part for part, _ in parts)
    found: dict[str, list[tuple[int, int]]] = {measure: [] for measure in MEASURES}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT timed.measure, timed.bin, SUM(timed.count) FROM ({sql}) AS timed "  # noqa: S608 (constants)
            "GROUP BY timed.measure, timed.bin",
            [param for _, part_params in parts for param in part_params],
        )
        for measure, index, count in cursor.fetchall():
            found[measure].append((int(index), int(count)))
    return {measure: _figures(bins) for measure, bins in found.items()}


def _figures(bins: list[tuple[int, int]]) -> tuple[int, float | None, float | None]:
    count = sum(count for _, count in bins)
    median, p90 = percentile(bins, 0.5), percentile(bins, 0.9)
    return count, _minutes(median), _minutes(p90)


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _midnight(day: date, zone: ZoneInfo, days: int = 0) -> datetime:
    return datetime.combine(day + timedelta(days=days), time(), tzinfo=zone)

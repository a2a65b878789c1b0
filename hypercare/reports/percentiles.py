"""Percentiles computed by the database, on PostgreSQL and on SQLite alike.

A dashboard's times are read over thousands of tickets (or escalations): the database
ranks them and reads the two values around each percentile, so no row is carried into
Python.
"""

from typing import Any

from django.db import connection
from django.db.models import QuerySet

# The moments a time is measured from and to: tickets' creation to their first response
# or resolution, escalations' request to their de-escalation. The column names are
# written into the SQL.
MOMENT_FIELDS = frozenset(
    {"created_at", "first_responded_at", "resolved_at", "requested_at", "de_escalated_at"}
)


def minutes_percentiles(
    rows: QuerySet[Any], field: str, *, since: str = "created_at"
) -> tuple[int, float | None, float | None]:
    """How many rows, and the median and 90th percentile of their minutes from ``since``
    to ``field`` (both set on every row: the caller filters), interpolated between ranks as
    PostgreSQL's percentile_cont does. SQLite has no percentile: each value is ranked in a
    window, and the two ranks around each fraction are read and blended, still in the
    database."""
    for name in (since, field):
        if name not in MOMENT_FIELDS:
            raise ValueError(f"no time is measured with {name!r}")
    # The two moments are read from the rows' own query, which an index can answer
    # alone, rather than by looking each row up again by its key.
    sql, params = rows.order_by().values(since, field).query.sql_with_params()
    if connection.vendor == "postgresql":
        minutes = f"EXTRACT(EPOCH FROM ({field} - {since})) / 60"
        sql = (
            f"SELECT COUNT(*), "  # noqa: S608 (names are constants, values parameters)
            f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {minutes}), "
            f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {minutes}) "
            f"FROM ({sql}) AS reached"
        )
    else:
        minutes = f"(julianday({field}) - julianday({since})) * 1440"
        sql = (
            f"WITH ranked AS (SELECT {minutes} AS m, "  # noqa: S608 (as above)
            f"ROW_NUMBER() OVER (ORDER BY {minutes}) - 1 AS i, COUNT(*) OVER () AS n "
            f"FROM ({sql}) AS reached) "
            f"SELECT COALESCE(MAX(n), 0), {_blend(0.5)}, {_blend(0.9)} FROM ranked"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count, median, p90 = cursor.fetchone()
    return int(count), _minutes(median), _minutes(p90)


def _blend(fraction: float) -> str:
    """The value at ``fraction`` of the ranks 0..n-1: the rank below, blended with the
    next by how far between them the fraction falls (NULL when there are no rows)."""
    at = f"({fraction} * (n - 1))"
    below = f"CAST({at} AS INTEGER)"
    return (
        f"SUM(CASE WHEN i = {below} THEN m * (1 - ({at} - {below})) "
        f"WHEN i = {below} + 1 THEN m * ({at} - {below}) ELSE 0 END)"
    )


def _minutes(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)

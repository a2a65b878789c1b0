"""The dashboards' figures: counted by the database over the tickets a reader may count.

Every figure comes with the tickets behind it, as the ``TicketFilters`` the desk's queue
narrows on, so a chart's bar and the list it drills down to cannot disagree. Periods and
day or week buckets are in the reader's time zone (the one active for the request).
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Choices, Count, Q, QuerySet
from django.utils import timezone

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed
from hypercare.lib import clock
from hypercare.lib.validation import FieldErrors, choose
from hypercare.orgs.choices import ModuleCode, Tier
from hypercare.orgs.models import Institution, Module, Team
from hypercare.reports import daycounts, timebins
from hypercare.reports.models import COUNT_COLUMNS, DayCounts
from hypercare.reports.percentiles import minutes_percentiles
from hypercare.tickets.choices import (
    OPEN_STATUSES,
    PRIORITY_ORDER,
    Category,
    Channel,
    Status,
)
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import ID_PATTERN, TicketFilters, clock_q, ticket_list

# The periods a dashboard covers: label, how many buckets, and the bucket's length.
PERIODS: dict[str, tuple[str, int, str]] = {
    "7d": ("Last 7 days", 7, "day"),
    "30d": ("Last 30 days", 30, "day"),
    "12w": ("Last 12 weeks", 12, "week"),
    "52w": ("Last 52 weeks", 52, "week"),
}
DEFAULT_PERIOD = "30d"
READERS_ONLY = "The dashboards are for support managers and institution admins."

# How old open tickets are, in days: from (included) and to (left out; None: no end).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("Under 1 day", 0, 1),
    ("1–3 days", 1, 3),
    ("3–7 days", 3, 7),
    ("1–2 weeks", 7, 14),
    ("2–4 weeks", 14, 28),
    ("4 weeks or more", 28, None),
)

CLOCKS = {"first_response": "First response", "resolution": "Resolution"}
# The breakdowns of the tickets opened in the period: the ticket field they group on.
BREAKDOWNS = {
    "institution": "Institution",
    "module": "Module",
    "category": "Category",
    "team": "Team",
    "tier": "Tier",
    "channel": "Channel",
}


@dataclass(frozen=True)
class ReportFilters:
    """What a dashboard narrows on; checked by ``report_filters``."""

    period: str = DEFAULT_PERIOD
    institution: int | None = None
    module: str = ""
    category: str = ""
    team: int | None = None


def report_filters(
    user: User,
    *,
    period: str = "",
    institution: str = "",
    module: str = "",
    category: str = "",
    team: str = "",
) -> ReportFilters:
    """The filters as given in a URL, checked: an institution outside the reader's scope is
    refused like an unknown one, so its existence is not told."""
    problems = FieldErrors()
    if period and period not in PERIODS:
        problems.add("period", f"must be one of {', '.join(PERIODS)}")
    if module and module not in ModuleCode.values:
        problems.add("module", choose("module"))
    if category and category not in Category.values:
        problems.add("category", choose("category"))
    institution_id = _known_id(problems, "institution", institution, readable_institutions(user))
    team_id = _known_id(problems, "team", team, Team.objects.all())
    problems.check()
    return ReportFilters(
        period=period or DEFAULT_PERIOD,
        institution=institution_id,
        module=module,
        category=category,
        team=team_id,
    )


def _known_id(problems: FieldErrors, field: str, value: str, among: QuerySet[Any]) -> int | None:
    if not value:
        return None
    if not ID_PATTERN.fullmatch(value) or not among.filter(pk=int(value)).exists():
        problems.add(field, choose(field))
        return None
    return int(value)


def readable_institutions(user: User) -> QuerySet[Institution]:
    """The institutions whose figures ``user`` may read: one, for an institution's admin."""
    return Institution.objects.filter(access.report_institution_scope(user)).order_by("name")


@dataclass(frozen=True)
class Window:
    """The period's moments: ``start`` included, ``end`` left out, cut into buckets."""

    start: datetime
    end: datetime
    unit: str
    buckets: tuple[datetime, ...]

    def bucket_end(self, index: int) -> datetime:
        return self.buckets[index + 1] if index + 1 < len(self.buckets) else self.end


def window(period: str) -> Window:
    """The period ending today, in whole days or whole weeks from Monday."""
    _, count, unit = PERIODS[period]
    today = timezone.localdate(clock.now())
    step = timedelta(days=1 if unit == "day" else 7)
    first = today if unit == "day" else today - timedelta(days=today.weekday())
    days = [first - step * n for n in range(count - 1, -1, -1)]
    buckets = tuple(_midnight(day) for day in days)
    return Window(start=buckets[0], end=_midnight(days[-1] + step), unit=unit, buckets=buckets)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class Figure:
    """One number on a dashboard and the tickets it counts."""

    label: str
    value: int
    # None when the queue cannot list them (the tickets of no team).
    tickets: TicketFilters | None


@dataclass(frozen=True)
class FlowBucket:
    start: datetime
    opened: Figure
    resolved: Figure


@dataclass(frozen=True)
class Durations:
    """Minutes from creation to a moment, over the tickets that reached it in the period."""

    label: str
    count: int
    median: float | None
    p90: float | None
    tickets: TicketFilters


@dataclass(frozen=True)
class Attainment:
    """One priority's SLA clock: how many were met, how many breached, and the share met."""

    priority: str
    clock: str
    met: Figure
    breached: Figure

    @property
    def percent(self) -> float | None:
        judged = self.met.value + self.breached.value
        return None if judged == 0 else round(100 * self.met.value / judged, 1)


@dataclass(frozen=True)
class Dashboard:
    filters: ReportFilters
    window: Window
    flow: list[FlowBucket]
    backlog: list[Figure]
    times: list[Durations]
    attainment: list[Attainment]
    breakdowns: dict[str, list[Figure]]


def dashboard(user: User, filters: ReportFilters) -> Dashboard:
    """Every figure of the dashboard ``user`` may read, over ``filters``."""
    if not access.can_read_reports(user):
        raise NotAllowed(READERS_ONLY)
    span = window(filters.period)
    tickets = Ticket.objects.filter(access.report_scope(user)).filter(filters_q(filters))
    base = base_filters(filters)
    counts = period_counts(user, filters, tickets, span)
    return Dashboard(
        filters=filters,
        window=span,
        flow=flow(counts, span, base),
        backlog=backlog(tickets, base),
        times=times(user, filters, tickets, span, base),
        attainment=attainment(counts, tickets, span, base),
        breakdowns={name: breakdown(counts, span, base, name) for name in BREAKDOWNS},
    )


# Counts per group of one grouping of ``period_counts``: the group's key (as text) to
# each of the ``COUNT_COLUMNS`` the groupings asked for sum.
Groups = dict[str | None, dict[str, int]]
# The groupings the dashboard reads: the key each groups on, a join the key needs, and
# the columns it sums (the others are left at 0 rather than added up for nothing).
_OPENED = ("opened",)
_GROUPINGS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "day": ("CAST(facts.day AS TEXT)", "", ("opened", "resolved")),
    "institution": ("CAST(facts.institution_id AS TEXT)", "", _OPENED),
    "module": (
        "module.code",
        f"JOIN {Module._meta.db_table} AS module ON module.id = facts.module_id",
        _OPENED,
    ),
    "team": ("CAST(facts.team_id AS TEXT)", "", _OPENED),
    "all": ("''", "", tuple(c for c in COUNT_COLUMNS if c not in ("opened", "resolved"))),
    # The questions per institution and module (the adoption blockers), keyed
    # "<institution id> <module code>".
    "institution module": (
        "CAST(facts.institution_id AS TEXT) || ' ' || module.code",
        f"JOIN {Module._meta.db_table} AS module ON module.id = facts.module_id",
        (f"category_{Category.QUESTION}",),
    ),
}
# The groupings a dashboard reads.
DASHBOARD_GROUPINGS = ("day", "institution", "module", "team", "all")


def period_counts(
    user: User,
    filters: ReportFilters,
    tickets: QuerySet[Ticket],
    span: Window,
    groupings: Sequence[str] = DASHBOARD_GROUPINGS,
) -> dict[str, Groups]:
    """The period's counts (``daycounts``) in each of ``groupings``, by default by day, by
    each of the breakdowns but category, tier and channel (which are columns), and in
    all, in one query: the counted days of the reader's zone added to the tickets of the
    days not counted yet."""
    zone = timezone.get_current_timezone()
    assert isinstance(zone, ZoneInfo)  # noqa: S101 (Django's zones are ZoneInfo)
    # Only the columns the groupings sum are read: the fewer, the narrower the rows.
    wanted = {column for name in groupings for column in _GROUPINGS[name][2]}
    columns = [column for column in COUNT_COLUMNS if column in wanted]
    parts = []
    live_from = span.start
    state = daycounts.counted_zone(zone)
    first_day = timezone.localdate(span.start)
    if state is not None and state.counted_through is not None:
        last_day = min(state.counted_through, timezone.localdate(span.end) - timedelta(days=1))
        if last_day >= first_day:
            counted = Q(span="day", day__gte=first_day, day__lte=last_day)
            if span.unit == "week":
                # The complete weeks' rows (a week period starts on a Monday), then the
                # days counted of the week after them.
                weeks_end = first_day + timedelta(days=((last_day - first_day).days + 1) // 7 * 7)
                counted = Q(span="week", day__gte=first_day, day__lt=weeks_end) | Q(
                    span="day", day__gte=weeks_end, day__lte=last_day
                )
            rows = DayCounts.objects.filter(
                counted,
                access.report_counts_scope(user),
                filters_q(filters),
                # Narrowed to a category, that category's rows; else those of all.
                category=filters.category,
                time_zone=str(zone),
            )
            parts.append(daycounts.counted_part(rows, columns))
            live_from = _midnight(last_day + timedelta(days=1))
    parts += daycounts.live_parts(tickets, live_from, span.end, zone, columns)
    facts, params = daycounts.union(parts)
    selects = []
    for name in groupings:
        key, join, summed = _GROUPINGS[name]
        sums = ", ".join(f"SUM(facts.{c})" if c in summed else "0" for c in columns)
        group = "" if name == "all" else f" GROUP BY {key}"
        selects.append(f"SELECT '{name}', {key}, {sums} FROM facts {join}{group}")  # noqa: S608 (constants)
    # The rows are read once, into a copy every grouping reads: reading them again for
    # each grouping cost several times more (bench.reports).
    sql = f"WITH facts AS MATERIALIZED ({facts}) " + " UNION ALL ".join(selects)
    found: dict[str, Groups] = {name: {} for name in groupings}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for name, key, *values in cursor.fetchall():
            found[name][key] = {
                column: int(value or 0) for column, value in zip(columns, values, strict=True)
            }
    return found


def filters_q(filters: ReportFilters) -> Q:
    q = Q()
    if filters.institution is not None:
        q &= Q(institution_id=filters.institution)
    if filters.module:
        q &= Q(module__code=filters.module)
    if filters.category:
        q &= Q(category=filters.category)
    if filters.team is not None:
        q &= Q(team_id=filters.team)
    return q


def base_filters(filters: ReportFilters) -> TicketFilters:
    """The queue's filters for the dashboard's own: every status, closed ones too."""
    return TicketFilters(
        status=tuple(Status),
        institution=filters.institution,
        module=(filters.module,) if filters.module else (),
        category=(filters.category,) if filters.category else (),
        team=filters.team,
    )


def flow(counts: dict[str, Groups], span: Window, base: TicketFilters) -> list[FlowBucket]:
    """Tickets opened and tickets resolved in each bucket of the period."""
    opened: dict[datetime, int] = {}
    resolved: dict[datetime, int] = {}
    for key, row in counts["day"].items():
        assert key is not None  # noqa: S101 (every counted row has a day)
        day = date.fromisoformat(key)
        if span.unit == "week":
            day -= timedelta(days=day.weekday())
        start = _midnight(day)
        opened[start] = opened.get(start, 0) + row["opened"]
        resolved[start] = resolved.get(start, 0) + row["resolved"]
    rows = []
    for index, start in enumerate(span.buckets):
        end = span.bucket_end(index)
        rows.append(
            FlowBucket(
                start=start,
                opened=Figure(
                    "Opened",
                    opened.get(start, 0),
                    replace(base, created_after=start, created_before=end),
                ),
                resolved=Figure(
                    "Resolved",
                    resolved.get(start, 0),
                    replace(base, resolved_after=start, resolved_before=end),
                ),
            )
        )
    return rows


def backlog(tickets: QuerySet[Ticket], base: TicketFilters) -> list[Figure]:
    """The open tickets now, by how long ago they were opened; one query."""
    now = clock.now()
    bounds = [
        (
            label,
            now - timedelta(days=end) if end is not None else None,
            now - timedelta(days=start) if start else None,
        )
        for label, start, end in AGE_BUCKETS
    ]
    counts = tickets.filter(status__in=OPEN_STATUSES).aggregate(
        **{
            f"age{index}": Count("pk", filter=_between("created_at", after, before))
            for index, (_, after, before) in enumerate(bounds)
        }
    )
    open_base = replace(base, status=tuple(status for status in Status if status in OPEN_STATUSES))
    return [
        Figure(
            label,
            counts[f"age{index}"],
            replace(open_base, created_after=after, created_before=before),
        )
        for index, (label, after, before) in enumerate(bounds)
    ]


def _between(field: str, after: datetime | None, before: datetime | None) -> Q:
    q = Q()
    if after is not None:
        q &= Q(**{f"{field}__gte": after})
    if before is not None:
        q &= Q(**{f"{field}__lt": before})
    return q


def times(
    user: User, filters: ReportFilters, tickets: QuerySet[Ticket], span: Window, base: TicketFilters
) -> list[Durations]:
    """First-response times of the tickets first answered in the period, and resolution
    times of those resolved in it: their median and 90th percentile, in minutes. Exact
    over days; over weeks, read from 1 % bins (``timebins``: within 0.5 %) where the
    filters are a slice the bins are kept for, else exact (binning every ticket of the
    period live cost more than sorting its times)."""
    answered = replace(base, responded_after=span.start, responded_before=span.end)
    resolved = replace(base, resolved_after=span.start, resolved_before=span.end)
    moments = (
        ("First response", "first_response", "first_responded_at", answered),
        ("Resolution", "resolution", "resolved_at", resolved),
    )
    binned = None
    slice_of = _time_slice(user, filters)
    if span.unit == "week" and slice_of is not None:
        zone = timezone.get_current_timezone()
        assert isinstance(zone, ZoneInfo)  # noqa: S101 (Django's zones are ZoneInfo)
        state = daycounts.counted_zone(zone)
        counted_through = state.counted_through if state is not None else None
        binned = timebins.week_times(
            user, slice_of, tickets, span.start, span.end, counted_through, zone
        )
    rows = []
    for label, measure, field, behind in moments:
        if binned is not None:
            count, median, p90 = binned[measure]
        else:
            reached = tickets.filter(**{f"{field}__gte": span.start, f"{field}__lt": span.end})
            count, median, p90 = minutes_percentiles(reached, field)
        rows.append(Durations(label, count, median, p90, behind))
    return rows


def _time_slice(user: User, filters: ReportFilters) -> tuple[str, str, int | None] | None:
    """The slice of ``TimeBins`` a dashboard's times are summed from (slice, value,
    institution), or None when its filters are not one kept: all tickets, one
    institution's, one module's across the institutions."""
    if filters.category or filters.team is not None:
        return None
    institution = filters.institution
    if not access.can_manage_desk(user):
        # An institution's admin reads their own institution's bins alone.
        institution = user.institution_id
    if institution is not None:
        return None if filters.module else ("institution", "", institution)
    if filters.module:
        return ("module", filters.module, None)
    return ("", "", None)


def attainment(
    counts: dict[str, Groups], tickets: QuerySet[Ticket], span: Window, base: TicketFilters
) -> list[Attainment]:
    """Per priority and clock, of the tickets opened in the period: clocks met, and clocks
    breached (recorded, or running past due and not yet recorded by the sweep), as the
    queue's SLA filter reads them. Those running past due are counted now, live: a day's
    counts were made before they came due."""
    now = clock.now()
    overdue = (
        tickets.filter(created_at__gte=span.start, created_at__lt=span.end)
        .filter(clock_q("first_response", "due", now) | clock_q("resolution", "due", now))
        .values("priority")
        .annotate(**{name: Count("pk", filter=clock_q(name, "due", now)) for name in CLOCKS})
        .order_by()
    )
    late = {row["priority"]: row for row in overdue}
    total = counts["all"].get("", {})
    period = replace(base, created_after=span.start, created_before=span.end)
    rows = []
    for priority in PRIORITY_ORDER:
        for name in CLOCKS:
            met = total.get(f"{priority}_{name}_met", 0)
            breached = total.get(f"{priority}_{name}_breached", 0)
            breached += late.get(priority, {}).get(name, 0)
            rows.append(
                Attainment(
                    priority=priority,
                    clock=name,
                    met=_standing(met, period, priority, name, "met"),
                    breached=_standing(breached, period, priority, name, "breached"),
                )
            )
    return rows


def _standing(value: int, period: TicketFilters, priority: str, name: str, standing: str) -> Figure:
    tickets = replace(period, priority=(priority,), sla=standing, sla_clock=name)
    return Figure(standing.capitalize(), value, tickets)


def breakdown(
    counts: dict[str, Groups], span: Window, base: TicketFilters, name: str
) -> list[Figure]:
    """The tickets opened in the period, counted by one of ``BREAKDOWNS``, largest first.
    Only groups with tickets the reader may count appear, so a reader limited to one
    institution sees that institution alone."""
    period = replace(base, created_after=span.start, created_before=span.end)
    if name in _COLUMN_BREAKDOWNS:
        total = counts["all"].get("", {})
        values: list[Any] = list(_COLUMN_BREAKDOWNS[name].values)
        found = [(value, total.get(f"{name}_{value}", 0)) for value in values]
    else:
        found = [(_group_value(name, key), row["opened"]) for key, row in counts[name].items()]
    # Smallest value first among equal counts, the tickets of no team last.
    counted = sorted(
        ((value, count) for value, count in found if count),
        key=lambda pair: (-pair[1], pair[0] is None, pair[0] if pair[0] is not None else 0),
    )
    labels = _labels(name, [value for value, _ in counted])
    return [
        Figure(labels[value], count, _narrowed(period, name, value)) for value, count in counted
    ]


_COLUMN_BREAKDOWNS: dict[str, type[Choices]] = {
    "category": Category,
    "tier": Tier,
    "channel": Channel,
}


def _group_value(name: str, key: str | None) -> Any:
    """A group's key as the ticket's field holds it: ids are counted as text."""
    if key is None or name not in ("institution", "team"):
        return key
    return int(key)


def _labels(name: str, values: Sequence[Any]) -> dict[Any, str]:
    if name == "institution":
        return dict(Institution.objects.filter(pk__in=values).values_list("pk", "name"))
    if name == "team":
        named = dict(Team.objects.filter(pk__in=values).values_list("pk", "name"))
        return {value: named.get(value, "No team") for value in values}
    choices: dict[str, Any] = {
        "module": ModuleCode,
        "category": Category,
        "tier": Tier,
        "channel": Channel,
    }
    return {value: str(choices[name](value).label) for value in values}


def _narrowed(period: TicketFilters, name: str, value: Any) -> TicketFilters | None:
    if value is None:
        return None
    if name == "institution":
        return replace(period, institution=value)
    if name == "team":
        return replace(period, team=value)
    if name == "module":
        return replace(period, module=(value,))
    if name == "category":
        return replace(period, category=(value,))
    if name == "tier":
        return replace(period, tier=(value,))
    return replace(period, channel=(value,))


def report_tickets(user: User, filters: TicketFilters) -> QuerySet[Ticket]:
    """The tickets behind a figure, for a reader without the desk's queue: the ones the
    reports count for them, newest first."""
    if not access.can_read_reports(user):
        raise NotAllowed(READERS_ONLY)
    return ticket_list(user, filters, "-created_at").filter(access.report_scope(user))

"""The dashboards' figures: counted by the database over the tickets a reader may count.

Every figure comes with the tickets behind it, as the ``TicketFilters`` the desk's queue
narrows on, so a chart's bar and the list it drills down to cannot disagree. Periods and
day or week buckets are in the reader's time zone (the one active for the request).
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDay, TruncWeek
from django.utils import timezone

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed
from hypercare.lib import clock
from hypercare.lib.validation import FieldErrors, choose
from hypercare.orgs.choices import ModuleCode, Tier
from hypercare.orgs.models import Institution, Team
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
_GROUP_FIELD = {
    "institution": "institution_id",
    "module": "module__code",
    "category": "category",
    "team": "team_id",
    "tier": "tier",
    "channel": "channel",
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
    return Dashboard(
        filters=filters,
        window=span,
        flow=flow(tickets, span, base),
        backlog=backlog(tickets, base),
        times=times(tickets, span, base),
        attainment=attainment(tickets, span, base),
        breakdowns={name: breakdown(tickets, span, base, name) for name in BREAKDOWNS},
    )


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


def flow(tickets: QuerySet[Ticket], span: Window, base: TicketFilters) -> list[FlowBucket]:
    """Tickets opened and tickets resolved in each bucket of the period."""
    opened = _per_bucket(tickets, "created_at", span)
    resolved = _per_bucket(tickets, "resolved_at", span)
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


def _per_bucket(tickets: QuerySet[Ticket], field: str, span: Window) -> dict[datetime, int]:
    trunc = TruncDay if span.unit == "day" else TruncWeek
    zone = timezone.get_current_timezone()
    rows = (
        tickets.filter(**{f"{field}__gte": span.start, f"{field}__lt": span.end})
        .annotate(bucket=trunc(field, tzinfo=zone))
        .values("bucket")
        .annotate(count=Count("pk"))
        .order_by("bucket")
    )
    return {row["bucket"]: row["count"] for row in rows}


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


def times(tickets: QuerySet[Ticket], span: Window, base: TicketFilters) -> list[Durations]:
    """First-response times of the tickets first answered in the period, and resolution
    times of those resolved in it: their median and 90th percentile, in minutes."""
    answered = replace(base, responded_after=span.start, responded_before=span.end)
    resolved = replace(base, resolved_after=span.start, resolved_before=span.end)
    moments = (
        ("First response", "first_responded_at", answered),
        ("Resolution", "resolved_at", resolved),
    )
    rows = []
    for label, field, behind in moments:
        reached = tickets.filter(**{f"{field}__gte": span.start, f"{field}__lt": span.end})
        count, median, p90 = minutes_percentiles(reached, field)
        rows.append(Durations(label, count, median, p90, behind))
    return rows


def attainment(tickets: QuerySet[Ticket], span: Window, base: TicketFilters) -> list[Attainment]:
    """Per priority and clock, of the tickets opened in the period: clocks met, and clocks
    breached (recorded, or running past due and not yet recorded by the sweep), as the
    queue's SLA filter reads them."""
    now = clock.now()
    opened = tickets.filter(created_at__gte=span.start, created_at__lt=span.end)
    counts = opened.values("priority").annotate(
        **{
            f"{name}_{standing}": Count("pk", filter=clock_q(name, standing, now))
            for name in CLOCKS
            for standing in ("met", "breached")
        }
    )
    by_priority = {row["priority"]: row for row in counts.order_by()}
    period = replace(base, created_after=span.start, created_before=span.end)
    rows = []
    for priority in PRIORITY_ORDER:
        row = by_priority.get(priority, {})
        for name in CLOCKS:
            rows.append(
                Attainment(
                    priority=priority,
                    clock=name,
                    met=_standing(row, period, priority, name, "met"),
                    breached=_standing(row, period, priority, name, "breached"),
                )
            )
    return rows


def _standing(
    row: dict[str, Any], period: TicketFilters, priority: str, name: str, standing: str
) -> Figure:
    tickets = replace(period, priority=(priority,), sla=standing, sla_clock=name)
    return Figure(standing.capitalize(), row.get(f"{name}_{standing}", 0), tickets)


def breakdown(
    tickets: QuerySet[Ticket], span: Window, base: TicketFilters, name: str
) -> list[Figure]:
    """The tickets opened in the period, counted by one of ``BREAKDOWNS``, largest first.
    Only groups with tickets the reader may count appear, so a reader limited to one
    institution sees that institution alone."""
    field = _GROUP_FIELD[name]
    period = replace(base, created_after=span.start, created_before=span.end)
    rows = (
        tickets.filter(created_at__gte=span.start, created_at__lt=span.end)
        .values(field)
        .annotate(count=Count("pk"))
        .order_by("-count", field)
    )
    counted = [(row[field], row["count"]) for row in rows]
    labels = _labels(name, [value for value, _ in counted])
    return [
        Figure(labels[value], count, _narrowed(period, name, value)) for value, count in counted
    ]


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

"""The time spent report: the minutes support entered on replies and notes, summed per
agent, per institution and per category over the dashboards' filters. The database
adds them up; no entry is read one by one."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed
from hypercare.reports.selectors import READERS_ONLY, ReportFilters, Window, filters_q, window
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket, TimeEntry


@dataclass(frozen=True)
class TimeSum:
    label: str
    minutes: int
    entries: int


@dataclass(frozen=True)
class TimeSpent:
    filters: ReportFilters
    window: Window
    total: TimeSum
    by_agent: list[TimeSum]
    by_institution: list[TimeSum]
    by_category: list[TimeSum]


def time_entries(user: User, filters: ReportFilters) -> QuerySet[TimeEntry]:
    """The entries of the period on the tickets ``user``'s reports count, over
    ``filters``: an institution's admin never reads another institution's time."""
    if not access.can_read_reports(user):
        raise NotAllowed(READERS_ONLY)
    span = window(filters.period)
    tickets = Ticket.objects.filter(access.report_scope(user)).filter(filters_q(filters))
    return TimeEntry.objects.filter(
        at__gte=span.start, at__lt=span.end, ticket__in=tickets.values("pk")
    )


def time_spent(user: User, filters: ReportFilters) -> TimeSpent:
    """The report's sums, largest first."""
    entries = time_entries(user, filters)
    total = entries.aggregate(minutes=Sum("minutes"), entries=Count("pk"))
    agents = _sums(entries, "person__first_name", "person__last_name", "person__username")
    institutions = _sums(entries, "ticket__institution__name")
    categories = _sums(entries, "ticket__category")
    return TimeSpent(
        filters=filters,
        window=window(filters.period),
        total=TimeSum("Total", total["minutes"] or 0, total["entries"]),
        by_agent=[
            TimeSum(f"{first} {last}".strip() or username, minutes, count)
            for (first, last, username), minutes, count in agents
        ],
        by_institution=[TimeSum(name, minutes, count) for (name,), minutes, count in institutions],
        by_category=[
            TimeSum(Category(value).label, minutes, count)
            for (value,), minutes, count in categories
        ],
    )


def _sums(entries: QuerySet[TimeEntry], *fields: str) -> list[tuple[tuple[str, ...], int, int]]:
    rows = (
        entries.values(*fields)
        .annotate(minutes=Sum("minutes"), entries=Count("pk"))
        .order_by("-minutes", *fields)
    )
    return [(tuple(row[field] for field in fields), row["minutes"], row["entries"]) for row in rows]

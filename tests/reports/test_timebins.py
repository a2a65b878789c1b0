"""The times of dashboards of weeks, read from 1 % bins: within the stated bound of the
exact percentiles, the same whether counted ahead or live, and scoped like every figure."""

import math
from datetime import timedelta

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.reports import timebins
from hypercare.reports.models import TimeBins
from hypercare.reports.percentiles import minutes_percentiles
from hypercare.reports.selectors import Durations, dashboard, report_filters, window
from hypercare.tickets.models import Ticket
from tests import factories
from tests.reports.test_daycounts import NOW, _ago, _count, _live, _ticket

# A binned figure is within half a bin of the exact one, (RATIO - 1) / 2 of (1 + seconds).
HALF_BIN = (timebins.RATIO - 1) / 2


def _exact(seconds: list[float], fraction: float) -> float:
    """The percentile as percentile_cont interpolates it."""
    ordered = sorted(seconds)
    at = fraction * (len(ordered) - 1)
    below = math.floor(at)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (at - below)


def _bins(seconds: list[float]) -> list[tuple[int, int]]:
    counted: dict[int, int] = {}
    for value in seconds:
        counted[timebins.bin_of(value)] = counted.get(timebins.bin_of(value), 0) + 1
    return list(counted.items())


# No deadline: the machine's load, not the code, sets how long an example takes.
@settings(deadline=None)
@given(
    seconds=st.lists(
        st.floats(min_value=0, max_value=400 * 86400, allow_nan=False), min_size=1, max_size=300
    ),
    fraction=st.sampled_from([0.5, 0.9]),
)
def test_a_binned_percentile_is_within_half_a_bin_of_the_exact_one(
    seconds: list[float], fraction: float
) -> None:
    exact = _exact(seconds, fraction)
    binned = timebins.percentile(_bins(seconds), fraction)

    assert binned is not None
    assert abs(binned - exact) <= HALF_BIN * (1 + exact) + 1e-6


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=2000))
def test_a_bins_middle_lies_in_the_bin(index: int) -> None:
    middle = timebins.bin_middle(index)

    assert timebins.bin_of(middle) == index


def test_no_times_have_no_percentile() -> None:
    assert timebins.percentile([], 0.5) is None


def _within(binned: Durations, exact: tuple[int, float | None, float | None]) -> None:
    """Within half a bin of the exact minutes, each rounded to a tenth of a minute."""
    count, median, p90 = exact
    assert binned.count == count
    for found, expected in ((binned.median, median), (binned.p90, p90)):
        assert found is not None
        assert expected is not None
        assert abs(found - expected) <= HALF_BIN * (expected + 1 / 60) + 0.1 + 1e-9


@pytest.fixture
def clock(time_machine: time_machine.TimeMachineFixture) -> time_machine.TimeMachineFixture:
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def times_desk(
    clock: time_machine.TimeMachineFixture, requester: User, other_institution: Institution
) -> list[Ticket]:
    """Tickets over a year of two institutions, answered and resolved after times from
    minutes to weeks, some today (not counted ahead yet)."""
    outsider = factories.requester(other_institution)
    tickets = []
    for n in range(24):
        opened = _ago(days=(n * 37) % 360, minutes=n * 7)
        tickets.append(
            _ticket(
                requester if n % 3 else outsider,
                created_at=opened,
                module_code=ModuleCode.FEES if n % 4 == 0 else ModuleCode.FINANCE,
                first_responded_at=min(opened + timedelta(minutes=3 + n**2), NOW),
                resolved_at=min(opened + timedelta(hours=1 + n**2.5), NOW),
                status="resolved",
            )
        )
    return tickets


def _reached(user: User, field: str, **filters: str) -> tuple[int, float | None, float | None]:
    span = window("52w")
    tickets = Ticket.objects.filter(**{f"{field}__gte": span.start, f"{field}__lt": span.end})
    if user.has_role(Role.INSTITUTION_ADMIN):
        tickets = tickets.filter(institution=user.institution)
    if "module" in filters:
        tickets = tickets.filter(module__code=filters["module"])
    return minutes_percentiles(tickets, field)


@pytest.mark.parametrize("filters", [{}, {"module": ModuleCode.FEES}, {"category": "question"}])
def test_a_year_of_times_counted_ahead_is_within_the_bound_of_the_exact_times(
    db: None, times_desk: list[Ticket], filters: dict[str, str]
) -> None:
    manager = factories.agent(Role.SUPPORT_MANAGER)
    live = _live(manager, period="52w", **filters)

    _count()
    assert TimeBins.objects.filter(span="week").exists()
    board = dashboard(manager, report_filters(manager, period="52w", **filters))

    assert board.times == live.times
    if "category" not in filters:
        first_response, resolution = board.times
        _within(first_response, _reached(manager, "first_responded_at", **filters))
        _within(resolution, _reached(manager, "resolved_at", **filters))


def test_an_institution_admin_adds_up_only_their_institutions_bins(
    requester: User, times_desk: list[Ticket]
) -> None:
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=requester.institution)
    _count()

    board = dashboard(admin, report_filters(admin, period="52w"))

    first_response, resolution = board.times
    _within(first_response, _reached(admin, "first_responded_at"))
    _within(resolution, _reached(admin, "resolved_at"))
    assert first_response.count == sum(
        1 for t in times_desk if t.institution_id == admin.institution_id
    )
    assert board.times == _live(admin, period="52w").times


def test_only_the_current_weeks_days_keep_day_rows(
    requester: User, times_desk: list[Ticket]
) -> None:
    for ago in (2, 20):
        times_desk.append(
            _ticket(requester, created_at=_ago(days=ago, minutes=30), first_responded_at=_ago(ago))
        )
    factories.agent(Role.SUPPORT_MANAGER)  # a reader in UTC, whose days are counted
    _count()

    days = set(TimeBins.objects.filter(span="day").values_list("day", flat=True))
    monday = NOW.date() - timedelta(days=NOW.weekday())
    assert days == {_ago(2).date()}
    weeks = TimeBins.objects.filter(span="week", slice="", measure="first_response")
    assert {day.weekday() for day in weeks.values_list("day", flat=True)} == {0}
    # Every time reached before this week is in exactly one week row of all tickets.
    reached = sum(
        1 for t in times_desk if t.first_responded_at and t.first_responded_at.date() < monday
    )
    assert sum(weeks.values_list("count", flat=True)) == reached


def test_a_dashboard_of_days_keeps_the_exact_percentiles(
    db: None, times_desk: list[Ticket]
) -> None:
    manager = factories.agent(Role.SUPPORT_MANAGER)
    _count()
    span = window("30d")
    answered = Ticket.objects.filter(
        first_responded_at__gte=span.start, first_responded_at__lt=span.end
    )

    first_response, _ = dashboard(manager, report_filters(manager, period="30d")).times

    assert (first_response.count, first_response.median, first_response.p90) == minutes_percentiles(
        answered, "first_responded_at"
    )

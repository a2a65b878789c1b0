"""Business-time arithmetic: worked examples a person can check, then the laws it must obey."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypercare.sla.business_time import (
    BusinessCalendar,
    Shift,
    add_business_minutes,
    business_minutes_between,
    public_holidays,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
OFFICE_HOURS = [(time(9), time(17, 30))]
WEEKDAYS = range(5)


def london_office(closed: frozenset[date] = frozenset()) -> BusinessCalendar:
    """Monday to Friday, 09:00-17:30 in London."""
    return BusinessCalendar.from_hours(
        "Europe/London", dict.fromkeys(WEEKDAYS, OFFICE_HOURS), closed
    )


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


# Worked examples ---------------------------------------------------------------------------


def test_a_friday_afternoon_ticket_is_due_on_monday() -> None:
    # One hour left on Friday, the other seven on Monday from 09:00.
    due = add_business_minutes(london_office(), london(2025, 6, 6, 16, 30), 8 * 60)

    assert due == london(2025, 6, 9, 16, 0)
    assert due.tzinfo is UTC


def test_a_bank_holiday_monday_pushes_the_due_time_a_day() -> None:
    spring_bank_holiday = date(2025, 5, 26)
    calendar = london_office(frozenset({spring_bank_holiday}))

    due = add_business_minutes(calendar, london(2025, 5, 23, 16, 30), 8 * 60)

    assert due == london(2025, 5, 27, 16, 0)


def test_an_exam_week_shutdown_is_skipped() -> None:
    exam_week = frozenset(date(2025, 6, 9) + timedelta(days=offset) for offset in range(5))

    due = add_business_minutes(london_office(exam_week), london(2025, 6, 6, 16, 30), 4 * 60)

    assert due == london(2025, 6, 16, 12, 0)


def test_a_lunch_break_in_a_split_shift_does_not_count() -> None:
    split = [(time(9), time(13)), (time(14), time(17, 30))]
    calendar = BusinessCalendar.from_hours("Asia/Kolkata", dict.fromkeys(WEEKDAYS, split))

    due = add_business_minutes(calendar, datetime(2025, 6, 9, 12, tzinfo=KOLKATA), 120)

    assert due == datetime(2025, 6, 9, 15, tzinfo=KOLKATA)


def test_minutes_running_out_at_closing_time_are_due_at_closing_time() -> None:
    due = add_business_minutes(london_office(), london(2025, 6, 9, 9), 8 * 60 + 30)

    assert due == london(2025, 6, 9, 17, 30)


def test_a_due_time_at_closing_time_continues_at_the_next_opening() -> None:
    closing = london(2025, 6, 9, 17, 30)

    assert add_business_minutes(london_office(), closing, 0) == closing
    assert add_business_minutes(london_office(), closing, 1) == london(2025, 6, 10, 9, 1)


def test_a_ticket_raised_at_the_weekend_starts_counting_on_monday_morning() -> None:
    saturday = london(2025, 6, 7, 10)

    assert add_business_minutes(london_office(), saturday, 30) == london(2025, 6, 9, 9, 30)
    assert add_business_minutes(london_office(), saturday, 0) == london(2025, 6, 9, 9)


def test_the_clocks_going_forward_do_not_change_office_hours() -> None:
    # British Summer Time starts on Sunday 30 March 2025; Monday still opens at 09:00 local.
    due = add_business_minutes(london_office(), london(2025, 3, 28, 16, 30), 8 * 60)

    assert due == london(2025, 3, 31, 16, 0)
    assert due == datetime(2025, 3, 31, 15, tzinfo=UTC)


def test_new_years_day_is_skipped_across_the_year_boundary() -> None:
    calendar = london_office(frozenset({date(2026, 1, 1)}))

    due = add_business_minutes(calendar, london(2025, 12, 31, 17), 60)

    assert due == london(2026, 1, 2, 9, 30)


def test_business_minutes_between_count_only_open_time() -> None:
    calendar = london_office()

    assert (
        business_minutes_between(calendar, london(2025, 6, 6, 16, 30), london(2025, 6, 9, 10))
        == 120
    )
    assert business_minutes_between(calendar, london(2025, 6, 7, 9), london(2025, 6, 8, 17)) == 0
    assert business_minutes_between(calendar, london(2025, 6, 9, 10), london(2025, 6, 9, 9)) == 0


@pytest.mark.parametrize(
    ("zone", "shift", "day", "minutes"),
    [
        ("Europe/London", (time(1), time(3)), date(2025, 6, 1), 120),
        ("Europe/London", (time(1), time(3)), date(2025, 3, 30), 60),
        ("Europe/London", (time(1), time(3)), date(2025, 10, 26), 180),
        ("America/New_York", (time(1), time(3)), date(2025, 3, 9), 60),
        ("America/New_York", (time(1), time(3)), date(2025, 11, 2), 180),
        # Opens at the first 01:30 and runs through the repeated hour until 02:30.
        ("Europe/London", (time(1, 30), time(2, 30)), date(2025, 10, 26), 120),
        # 02:30 never shows on the spring-forward night: the shift opens at the change (03:00).
        ("America/New_York", (time(2, 30), time(5)), date(2025, 3, 9), 120),
        ("America/New_York", (time(2, 15), time(2, 45)), date(2025, 3, 9), 0),
    ],
)
def test_a_night_shift_has_its_real_length_on_daylight_saving_nights(
    zone: str, shift: Shift, day: date, minutes: int
) -> None:
    calendar = BusinessCalendar.from_hours(zone, {day.weekday(): [shift]})
    midnight = datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))

    assert business_minutes_between(calendar, midnight, midnight + timedelta(days=1)) == minutes


def test_a_shift_opening_inside_the_spring_forward_gap_opens_at_the_change() -> None:
    calendar = BusinessCalendar.from_hours("America/New_York", {6: [(time(2, 30), time(5))]})

    opening = add_business_minutes(calendar, datetime(2025, 3, 9, tzinfo=NEW_YORK), 0)

    assert (
        opening == datetime(2025, 3, 9, 3, tzinfo=NEW_YORK) == datetime(2025, 3, 9, 7, tzinfo=UTC)
    )


def test_a_calendar_closed_for_years_raises_instead_of_searching_forever() -> None:
    calendar = BusinessCalendar.from_hours(
        "UTC",
        {0: OFFICE_HOURS},
        (date(2025, 1, 1) + timedelta(days=offset) for offset in range(3 * 366)),
    )

    with pytest.raises(ValueError, match="calendar: no open time for 732 days"):
        add_business_minutes(calendar, datetime(2025, 1, 1, tzinfo=UTC), 1)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: BusinessCalendar.from_hours("Mars/Olympus", {0: OFFICE_HOURS}), "time_zone"),
        (
            lambda: BusinessCalendar.from_hours("UTC", {}),
            "weekly_hours: the calendar is never open",
        ),
        (lambda: BusinessCalendar.from_hours("UTC", {7: OFFICE_HOURS}), "weekly_hours: weekdays"),
        (
            lambda: BusinessCalendar.from_hours("UTC", {0: [(time(17), time(9))]}),
            "weekly_hours: Monday 17:00-09:00: a shift must start before it ends",
        ),
        (
            lambda: BusinessCalendar.from_hours(
                "UTC", {2: [(time(9), time(13)), (time(12), time(17))]}
            ),
            "weekly_hours: Wednesday 12:00-17:00: shifts must be sorted and must not overlap",
        ),
        (
            lambda: BusinessCalendar.from_hours(
                "UTC", {0: [(time(9, tzinfo=UTC), time(17, tzinfo=UTC))]}
            ),
            "no tzinfo",
        ),
        (lambda: BusinessCalendar("UTC", ((),) * 6), "weekly_hours: needs 7 weekdays"),
        (
            lambda: BusinessCalendar.from_hours(
                "UTC", {0: OFFICE_HOURS}, [datetime(2025, 1, 1, tzinfo=UTC)]
            ),
            "closed_dates",
        ),
    ],
)
def test_an_invalid_calendar_is_refused_naming_the_field(build: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()  # type: ignore[operator]


def test_invalid_arguments_are_refused_naming_the_argument() -> None:
    calendar = london_office()
    with pytest.raises(ValueError, match="start: must be an aware datetime"):
        add_business_minutes(calendar, datetime(2025, 6, 9, 9), 10)  # noqa: DTZ001
    with pytest.raises(ValueError, match="end: must be an aware datetime"):
        business_minutes_between(calendar, london(2025, 6, 9), datetime(2025, 6, 10))  # noqa: DTZ001
    for minutes in (-1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="minutes: must be a finite number"):
            add_business_minutes(calendar, london(2025, 6, 9), minutes)


def test_a_shift_may_end_at_midnight() -> None:
    calendar = BusinessCalendar.from_hours("Asia/Kolkata", {4: [(time(18), time(0))]})

    due = add_business_minutes(calendar, datetime(2025, 6, 6, 23, tzinfo=KOLKATA), 60)

    assert due == datetime(2025, 6, 7, 0, tzinfo=KOLKATA)


# Laws --------------------------------------------------------------------------------------

ZONES = ("Europe/London", "America/New_York", "Asia/Kolkata")
YEARS = range(2024, 2028)
REALISTIC = (
    london_office(public_holidays("GB", "ENG", YEARS)),
    BusinessCalendar.from_hours(
        "America/New_York",
        {
            **dict.fromkeys(WEEKDAYS, [(time(8), time(12)), (time(13), time(17))]),
            5: [(time(1), time(3))],
        },
        public_holidays("US", None, YEARS),
    ),
    BusinessCalendar.from_hours(
        "Asia/Kolkata",
        dict.fromkeys(range(6), [(time(9, 30), time(13)), (time(14), time(18, 30))]),
        public_holidays("IN", "KA", YEARS),
    ),
)
# Midnight UTC on the days the clocks change in London and New York, and on New Year's Eve.
ANCHORS = tuple(
    datetime(*day, tzinfo=UTC)
    for day in (
        (2025, 3, 9),
        (2025, 3, 30),
        (2025, 10, 26),
        (2025, 11, 2),
        (2026, 3, 8),
        (2026, 3, 29),
        (2026, 10, 25),
        (2026, 11, 1),
        (2025, 12, 31),
        (2026, 12, 31),
    )
)


def quarter_hour(index: int) -> time:
    """The index-th quarter hour of a day; 96 wraps to 00:00, which as an end means 24:00."""
    return time(index // 4 % 24, index % 4 * 15)


@st.composite
def day_shifts(draw: st.DrawFn) -> tuple[Shift, ...]:
    edges = sorted(draw(st.lists(st.integers(0, 96), unique=True, max_size=6)))
    pairs = zip(edges[::2], edges[1::2], strict=False)
    return tuple((quarter_hour(start), quarter_hour(end)) for start, end in pairs)


@st.composite
def random_calendars(draw: st.DrawFn) -> BusinessCalendar:
    weekly = draw(st.lists(day_shifts(), min_size=7, max_size=7).filter(any))
    closed = draw(st.frozensets(st.dates(date(2024, 12, 1), date(2027, 1, 31)), max_size=40))
    return BusinessCalendar(draw(st.sampled_from(ZONES)), tuple(weekly), closed)


calendars = st.one_of(st.sampled_from(REALISTIC), random_calendars())
instants = st.one_of(
    st.datetimes(
        min_value=datetime(2025, 1, 1),  # noqa: DTZ001 - hypothesis attaches the zone
        max_value=datetime(2026, 12, 31),  # noqa: DTZ001
        timezones=st.sampled_from([UTC, LONDON, NEW_YORK, KOLKATA]),
    ),
    st.builds(
        lambda anchor, seconds: anchor + timedelta(seconds=seconds),
        st.sampled_from(ANCHORS),
        st.integers(-4 * 86_400, 4 * 86_400),
    ),
)
minute_counts = st.integers(0, 10_000)
laws = settings(deadline=None)


def first_minute_showing(zone: ZoneInfo, wall: datetime) -> datetime:
    """Brute force, independent of the code under test: step through UTC minutes until the
    local clock first shows ``wall`` or later. Starts well before it (zone changes are at
    most two hours) and is exact because offsets and changes fall on whole minutes."""
    readings = (wall.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1))
    candidate = (min(readings) - timedelta(hours=3)).replace(second=0, microsecond=0)
    while candidate.astimezone(zone).replace(tzinfo=None) < wall:
        candidate += timedelta(minutes=1)
    return candidate


def brute_force_open_periods(
    calendar: BusinessCalendar, day: date
) -> list[tuple[datetime, datetime]]:
    if day in calendar.closed_dates:
        return []
    zone = ZoneInfo(calendar.time_zone)
    periods = []
    for start, end in calendar.weekly_hours[day.weekday()]:
        end_day = day + timedelta(days=1) if end == time(0) else day
        opens = first_minute_showing(zone, datetime.combine(day, start))
        closes = first_minute_showing(zone, datetime.combine(end_day, end))
        if opens < closes:
            periods.append((opens, closes))
    return periods


@laws
@given(calendars, instants, minute_counts, minute_counts)
def test_more_minutes_are_never_due_earlier(
    calendar: BusinessCalendar, start: datetime, first: int, second: int
) -> None:
    fewer, more = sorted((first, second))

    assert add_business_minutes(calendar, start, fewer) <= add_business_minutes(
        calendar, start, more
    )


@laws
@given(calendars, instants, st.integers(0, 3 * 86_400_000_000), minute_counts)
def test_a_later_start_is_never_due_earlier(
    calendar: BusinessCalendar, start: datetime, delay_us: int, minutes: int
) -> None:
    later = start.astimezone(UTC) + timedelta(microseconds=delay_us)

    assert add_business_minutes(calendar, start, minutes) <= add_business_minutes(
        calendar, later, minutes
    )


@laws
@given(calendars, instants, minute_counts, minute_counts)
def test_adding_in_two_steps_equals_adding_at_once(
    calendar: BusinessCalendar, start: datetime, first: int, second: int
) -> None:
    halfway = add_business_minutes(calendar, start, first)

    assert add_business_minutes(calendar, halfway, second) == add_business_minutes(
        calendar, start, first + second
    )


@laws
@given(calendars, instants, minute_counts)
def test_minutes_between_a_start_and_its_due_time_are_the_minutes_added(
    calendar: BusinessCalendar, start: datetime, minutes: int
) -> None:
    due = add_business_minutes(calendar, start, minutes)

    assert business_minutes_between(calendar, start, due) == minutes


@laws
@given(calendars, instants, st.integers(1, 10_000))
def test_a_due_time_is_never_inside_a_closed_period(
    calendar: BusinessCalendar, start: datetime, minutes: int
) -> None:
    due = add_business_minutes(calendar, start, minutes)

    local_day = due.astimezone(ZoneInfo(calendar.time_zone)).date()
    periods = [
        period
        for day in (local_day - timedelta(days=1), local_day)
        for period in brute_force_open_periods(calendar, day)
    ]
    assert any(opens < due <= closes for opens, closes in periods)


@laws
@given(calendars, st.sampled_from(ANCHORS), st.integers(-2, 2))
def test_a_days_business_minutes_are_the_real_length_of_its_open_periods(
    calendar: BusinessCalendar, anchor: datetime, shift_days: int
) -> None:
    day = anchor.date() + timedelta(days=shift_days)
    zone = ZoneInfo(calendar.time_zone)
    midnight = first_minute_showing(zone, datetime.combine(day, time(0)))
    next_midnight = first_minute_showing(zone, datetime.combine(day + timedelta(days=1), time(0)))

    real = sum(
        (closes - opens for opens, closes in brute_force_open_periods(calendar, day)), timedelta()
    )
    assert business_minutes_between(calendar, midnight, next_midnight) == real / timedelta(
        minutes=1
    )


@laws
@given(calendars, st.sampled_from(ANCHORS), st.integers(-2, 2))
def test_an_open_period_filled_from_its_opening_is_due_at_its_close(
    calendar: BusinessCalendar, anchor: datetime, shift_days: int
) -> None:
    for opens, closes in brute_force_open_periods(
        calendar, anchor.date() + timedelta(days=shift_days)
    ):
        length = (closes - opens) / timedelta(minutes=1)

        assert add_business_minutes(calendar, opens, length) == closes
        assert add_business_minutes(calendar, closes, 0) == closes


@laws
@given(calendars, instants, st.integers(0, 20_000), st.integers(0, 20_000))
def test_business_minutes_add_up_over_consecutive_spans(
    calendar: BusinessCalendar, start: datetime, first: int, second: int
) -> None:
    middle = start.astimezone(UTC) + timedelta(minutes=first)
    end = middle + timedelta(minutes=second)

    whole = business_minutes_between(calendar, start, end)
    parts = business_minutes_between(calendar, start, middle) + business_minutes_between(
        calendar, middle, end
    )
    assert parts == pytest.approx(whole, abs=1e-9)


TWENTY_FOUR_SEVEN = tuple(
    calendar
    for zone in ZONES
    for calendar in (
        BusinessCalendar.always_open(zone),
        # The same hours written so they take the general, per-day path.
        BusinessCalendar.from_hours(
            zone, dict.fromkeys(range(7), [(time(0), time(12)), (time(12), time(0))])
        ),
    )
)


@laws
@given(st.sampled_from(TWENTY_FOUR_SEVEN), instants, st.integers(0, 200_000))
def test_a_24x7_calendar_counts_plain_elapsed_time(
    calendar: BusinessCalendar, start: datetime, minutes: int
) -> None:
    due = add_business_minutes(calendar, start, minutes)

    # In UTC: adding a timedelta to a London datetime would add wall-clock time instead.
    assert due == start.astimezone(UTC) + timedelta(minutes=minutes)
    assert business_minutes_between(calendar, start, due) == minutes


def test_a_zones_around_the_clock_calendar_is_made_once_and_is_that_zones() -> None:
    """Every new ticket's plan asks for one: it is kept per zone, not rebuilt."""
    kolkata = BusinessCalendar.always_open("Asia/Kolkata")
    assert BusinessCalendar.always_open("Asia/Kolkata") is kolkata
    assert kolkata.time_zone == "Asia/Kolkata"
    assert BusinessCalendar.always_open("Europe/Oslo").time_zone == "Europe/Oslo"

"""Business time: due instants and elapsed time measured only while a desk is open.

A business calendar says when an SLA clock runs: shifts per weekday in the institution's
local wall-clock time, minus whole closed local dates (public holidays, custom closures).
The two arithmetic functions are pure: aware instants in, aware UTC instants out, no
database and no "now", so a due time can be recomputed and explained at any later date.
The helpers at the end read a calendar's configured parts (working hours as stored,
public holidays from the ``holidays`` package, closure ranges) into the plain values the
arithmetic takes; the package is read once into a frozenset for a range of years, never
per day:

    closed = public_holidays("IN", "KA", range(2025, 2028)) | closure_days(start, end)

Dates outside ``years`` are not holidays, so the range must cover every date a due time
can reach.

Conventions, chosen so the laws tested in ``tests/sla/test_calendar.py`` hold exactly:

- A shift ``(09:00, 17:30)`` on a local date is open from the first instant the local clock
  shows 09:00 that day until the first instant it shows 17:30. This gives DST days their real
  length: a 01:00-03:00 shift lasts one hour on the spring-forward night and three on the
  fall-back night, and a wall time skipped by the spring-forward gap is reached at the change
  itself. An end of ``time(0)`` means midnight at the end of the day (24:00).
- Open periods are half-open ``[opens, closes)``, but a due time may equal a close instant:
  when the minutes run out exactly at a shift's end, the ticket is due at that end, not at the
  next opening. So for ``minutes > 0`` a due time is never inside a closed period.
- Counting starts at ``start`` when the clock is running then (or ``start`` is exactly a
  close instant), otherwise at the next opening; adding 0 minutes answers that instant.
- Internally instants are whole microseconds since the epoch, so adding integer minutes is
  exact: ``add(add(s, a), b) == add(s, a + b)`` and ``between(s, add(s, m)) == m``.
"""

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

Shift = tuple[time, time]
# Open periods of one local date as (opens, closes) in microseconds since the epoch.
Periods = tuple[tuple[int, int], ...]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# How a calendar's stored working hours name the weekdays: {"mon": [["09:00", "17:30"]]}.
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MIDNIGHT = time(0)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)
MICROSECONDS_PER_MINUTE = 60_000_000
# A due time is searched for at most this many days in a row without open time: a longer
# closure is a data mistake (a wrong closure range), and must not hang a worker.
MAX_CLOSED_RUN_DAYS = 2 * 366


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """When an SLA clock runs: weekly shifts in an IANA time zone, minus closed local dates.

    ``weekly_hours`` holds one tuple of shifts per weekday, Monday first (as
    ``date.weekday()``); shifts are sorted, non-overlapping local ``(start, end)`` times.
    ``closed_dates`` closes whole local dates: public holidays plus custom closures.

    Each local date's open periods are computed once and memoised on the instance (one small
    entry per date touched), which is what makes the arithmetic fast; the cache does not take
    part in equality or hashing, so the calendar behaves as a plain value.
    """

    time_zone: str
    weekly_hours: tuple[tuple[Shift, ...], ...]
    closed_dates: frozenset[date] = frozenset()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _around_the_clock: bool = field(init=False, repr=False, compare=False)
    _periods_by_day: dict[int, Periods] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_weekly_hours(self.weekly_hours)
        _check_closed_dates(self.closed_dates)
        around_the_clock = not self.closed_dates and all(
            shifts == ((MIDNIGHT, MIDNIGHT),) for shifts in self.weekly_hours
        )
        object.__setattr__(self, "_zone", _zone_named(self.time_zone))
        object.__setattr__(self, "_around_the_clock", around_the_clock)
        object.__setattr__(self, "_periods_by_day", {})

    @classmethod
    def from_hours(
        cls,
        time_zone: str,
        hours: Mapping[int, Sequence[Shift]],
        closed_dates: Iterable[date] = (),
    ) -> Self:
        """Build from ``{weekday: shifts}`` (0 = Monday); weekdays left out are closed."""
        unknown = sorted(set(hours) - set(range(7)))
        if unknown:
            raise ValueError(f"weekly_hours: weekdays are 0 (Monday) to 6 (Sunday), not {unknown}")
        weekly = tuple(
            tuple((start, end) for start, end in hours.get(weekday, ())) for weekday in range(7)
        )
        return cls(time_zone, weekly, frozenset(closed_dates))

    @classmethod
    def always_open(cls, time_zone: str = "UTC") -> "BusinessCalendar":
        """24x7: every instant counts, so business time is plain elapsed time. One per
        zone, made once: every new ticket's plan asks for one (a calendar is a value)."""
        return _always_open(time_zone)

    def _periods(self, ordinal: int) -> Periods:
        """Open periods of the local date with this proleptic ordinal, earliest first."""
        periods = self._periods_by_day.get(ordinal)
        if periods is None:
            periods = self._periods_by_day[ordinal] = self._compute_periods(ordinal)
        return periods

    def _compute_periods(self, ordinal: int) -> Periods:
        day = date.fromordinal(ordinal)
        if day in self.closed_dates:
            return ()
        bounds = (
            (
                _first_instant_showing(datetime.combine(day, start), self._zone),
                _first_instant_showing(_end_of_shift(day, end), self._zone),
            )
            for start, end in self.weekly_hours[day.weekday()]
        )
        # A shift that falls wholly inside a spring-forward gap never opens.
        return tuple((opens, closes) for opens, closes in bounds if opens < closes)


def add_business_minutes(calendar: BusinessCalendar, start: datetime, minutes: float) -> datetime:
    """The instant (UTC) at which ``minutes`` of business time have run since ``start``."""
    remaining = _microseconds_in(minutes)
    at = _instant(start, "start")
    if calendar._around_the_clock:
        return _utc(at + remaining)
    # From the day before: a shift ending at midnight closes exactly at the start of this
    # date, and a start equal to a close instant belongs to that closing period.
    ordinal = start.astimezone(calendar._zone).toordinal() - 1
    closed_run = 0
    while closed_run <= MAX_CLOSED_RUN_DAYS:
        periods = calendar._periods(ordinal)
        for opens, closes in periods:
            if closes < at:
                continue
            begin = max(opens, at)
            if remaining <= closes - begin:
                return _utc(begin + remaining)
            remaining -= closes - begin
        closed_run = 0 if periods else closed_run + 1
        ordinal += 1
    raise ValueError(
        f"calendar: no open time for {MAX_CLOSED_RUN_DAYS} days in a row before "
        f"{date.fromordinal(ordinal)}; check its closed dates"
    )


def business_minutes_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> float:
    """Business minutes from ``start`` to ``end``; 0 when ``end`` is not after ``start``."""
    begin, finish = _instant(start, "start"), _instant(end, "end")
    if finish <= begin:
        return 0.0
    if calendar._around_the_clock:
        return (finish - begin) / MICROSECONDS_PER_MINUTE
    first = start.astimezone(calendar._zone).toordinal()
    # One date more: should a fall-back cross midnight, ``end`` may read the previous date
    # although the next one has begun.
    last = end.astimezone(calendar._zone).toordinal() + 1
    total = 0
    for ordinal in range(first, last + 1):
        for opens, closes in calendar._periods(ordinal):
            total += max(0, min(closes, finish) - max(opens, begin))
    return total / MICROSECONDS_PER_MINUTE


def _first_instant_showing(wall: datetime, zone: ZoneInfo) -> int:
    """The first instant (µs since the epoch) at which the clock in ``zone`` shows ``wall``.

    ``fold=0`` already picks the first of two instants that show a time repeated by a
    fall-back. A time skipped by a spring-forward gap never shows: the clock passes it at the
    change, which lies between the two readings PEP 495 gives for such a time (``fold=1``
    before the change, ``fold=0`` after it) and is found by bisecting on whole seconds, as
    time zone changes happen on whole seconds. Gaps are rare, so the cost does not matter.
    """
    utc = wall.replace(tzinfo=zone).astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == wall:
        return _microseconds_since_epoch(utc)
    before = math.floor(wall.replace(tzinfo=zone, fold=1).timestamp())
    after = math.ceil(utc.timestamp())
    offset_after = datetime.fromtimestamp(after, zone).utcoffset()
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == offset_after:
            after = middle
        else:
            before = middle
    return after * 1_000_000


def _end_of_shift(day: date, end: time) -> datetime:
    if end == MIDNIGHT:
        return datetime.combine(day + timedelta(days=1), MIDNIGHT)
    return datetime.combine(day, end)


def _since_midnight(moment: time, *, is_end: bool) -> timedelta:
    if is_end and moment == MIDNIGHT:
        return timedelta(days=1)
    return timedelta(
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


def _check_weekly_hours(weekly_hours: tuple[tuple[Shift, ...], ...]) -> None:
    if len(weekly_hours) != 7:
        raise ValueError(
            f"weekly_hours: needs 7 weekdays, Monday first; got {len(weekly_hours)} entries"
        )
    for weekday, shifts in zip(WEEKDAYS, weekly_hours, strict=True):
        previous_end = timedelta(0)
        for start, end in shifts:
            label = f"weekly_hours: {weekday} {start:%H:%M}-{end:%H:%M}"
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError(f"{label}: shift times are local wall-clock times, no tzinfo")
            opens = _since_midnight(start, is_end=False)
            closes = _since_midnight(end, is_end=True)
            if opens >= closes:
                raise ValueError(f"{label}: a shift must start before it ends (00:00 = 24:00)")
            if opens < previous_end:
                raise ValueError(f"{label}: shifts must be sorted and must not overlap")
            previous_end = closes
    if not any(weekly_hours):
        raise ValueError("weekly_hours: the calendar is never open; give at least one shift")


def _check_closed_dates(closed_dates: frozenset[date]) -> None:
    # A datetime never equals a date, so one would silently close nothing.
    if not isinstance(closed_dates, frozenset) or any(
        isinstance(day, datetime) or not isinstance(day, date) for day in closed_dates
    ):
        raise ValueError("closed_dates: must be a frozenset of local dates (not datetimes)")


def _zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"time_zone: {name!r} is not an IANA time zone name such as 'Asia/Kolkata'"
        ) from error


def _microseconds_in(minutes: float) -> int:
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError(f"minutes: must be a finite number of minutes, 0 or more; got {minutes}")
    return round(minutes * MICROSECONDS_PER_MINUTE)


def _instant(moment: datetime, name: str) -> int:
    if moment.utcoffset() is None:
        raise ValueError(f"{name}: must be an aware datetime (with a time zone), got {moment}")
    return _microseconds_since_epoch(moment)


def _microseconds_since_epoch(moment: datetime) -> int:
    return (moment - EPOCH) // ONE_MICROSECOND


def _utc(microseconds: int) -> datetime:
    return EPOCH + timedelta(microseconds=microseconds)


# Configured parts of a calendar, read into plain values.


def parse_working_hours(raw: Any) -> dict[int, list[Shift]]:
    """Shifts per weekday (0 = Monday). Raises ValueError naming the faulty day."""
    if not isinstance(raw, dict):
        raise ValueError("must map weekdays (mon..sun) to lists of [start, end] times")
    unknown = sorted(set(raw) - set(WEEKDAY_KEYS))
    if unknown:
        raise ValueError(f"unknown weekdays {unknown}; use {', '.join(WEEKDAY_KEYS)}")
    return {
        index: [_shift(key, pair) for pair in raw.get(key) or []]
        for index, key in enumerate(WEEKDAY_KEYS)
    }


def _shift(day: str, pair: Any) -> Shift:
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        raise ValueError(f"{day}: each shift is a [start, end] pair")
    return _time(day, pair[0]), _time(day, pair[1])


def _time(day: str, text: Any) -> time:
    if text in ("24:00", "00:00"):
        return time(0)
    try:
        return time.fromisoformat(str(text))
    except ValueError:
        raise ValueError(f"{day}: {text!r} is not a time like 09:00") from None


def public_holidays(country: str, subdivision: str | None, years: range) -> frozenset[date]:
    """Public holidays of ``country`` (ISO 3166-1 alpha-2, e.g. "GB") in ``years``.

    ``subdivision`` is the package's code for a state or nation (e.g. "KA" for Karnataka,
    "ENG" for England); ``None`` gives the holidays common to the whole country.
    """
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise ValueError(
            f"country: {country!r} is not a country code the holidays package knows "
            "(ISO 3166-1 alpha-2 in capitals, e.g. 'IN', 'GB', 'US')"
        )
    if subdivision is not None and subdivision not in supported[country]:
        raise ValueError(
            f"subdivision: {subdivision!r} is not a subdivision of {country}; "
            f"known: {', '.join(supported[country]) or 'none'}"
        )
    calendar = holidays.country_holidays(country, subdiv=subdivision, years=years, expand=False)
    return frozenset(calendar)


def closure_days(first: date, last: date) -> frozenset[date]:
    """Every date from ``first`` to ``last`` inclusive, e.g. an exam-week shutdown."""
    if last < first:
        raise ValueError(f"last: the closure ends ({last}) before it starts ({first})")
    return frozenset(first + timedelta(days=offset) for offset in range((last - first).days + 1))


@functools.cache
def _always_open(time_zone: str) -> BusinessCalendar:
    return BusinessCalendar(time_zone, (((MIDNIGHT, MIDNIGHT),),) * 7)

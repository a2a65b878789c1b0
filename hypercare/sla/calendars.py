"""Turning a stored Calendar into the pure BusinessCalendar the arithmetic works on."""

from datetime import date
from functools import lru_cache

from hypercare.sla.calendar import BusinessCalendar
from hypercare.sla.holidays_source import public_holidays
from hypercare.sla.models import Calendar, ClosureDay
from hypercare.sla.working_hours import parse_working_hours


def business_calendar(calendar: Calendar, first_year: int, last_year: int) -> BusinessCalendar:
    """The calendar's working hours minus its holidays and closures in those years.

    Cached per calendar version (``updated_at`` moves on every change, closures included:
    see ``hypercare.sla.policies``), so a sweep over thousands of tickets loads each
    calendar's holidays once, and every process sees a change at its next read.
    """
    return _cached(calendar.pk, calendar.updated_at.isoformat(), first_year, last_year)


@lru_cache(maxsize=128)
def _cached(pk: int, version: str, first_year: int, last_year: int) -> BusinessCalendar:
    calendar = Calendar.objects.get(pk=pk)
    closed: set[date] = set(
        ClosureDay.objects.filter(
            calendar_id=pk, date__year__gte=first_year, date__year__lte=last_year
        ).values_list("date", flat=True)
    )
    if calendar.holiday_country:
        closed |= public_holidays(
            calendar.holiday_country,
            calendar.holiday_subdivision or None,
            range(first_year, last_year + 1),
        )
    return BusinessCalendar.from_hours(
        calendar.time_zone, parse_working_hours(calendar.working_hours), closed
    )

"""Closed dates for a business calendar: public holidays plus an institution's own closures.

The ``holidays`` package knows each country's (and subdivision's) public holidays, including
substitute days ("observed") that close offices. It is read once into a plain frozenset for a
range of years, so the arithmetic in ``hypercare.sla.calendar`` never calls it per day:

    closed = public_holidays("IN", "KA", range(2025, 2028)) | closure_days(exam_start, exam_end)

Dates outside ``years`` are not holidays, so the range must cover every date a due time
can reach.
"""

from datetime import date, timedelta

import holidays


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

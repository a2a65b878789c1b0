"""How the desk writes times and dates: one format, in the zone of whoever reads them.

The zone is Django's active one: the viewer's on a page (``web.middleware``), the
recipient's while a notification is rendered (``notifications.services``). Stored text
never holds a time: events keep instants as values and say them when they are read.
A date (a milestone, a release's planned day) has no zone and reads the same for all.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cache

from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

# "Tue 3 Dec 2026, 14:05": the month in words and the weekday leave no day/month order
# to guess, and a 24-hour clock no am/pm to miss.
DATETIME_FORMAT = "D j M Y, H:i"
DATE_FORMAT = "D j M Y"

# The regions of the IANA database people live in; the rest are aliases kept for old
# systems ("US/Eastern", "EST5EDT", "Etc/GMT+3").
REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


def local_text(at: datetime) -> str:
    """``at`` in the active zone, in the desk's format."""
    return dateformat.format(timezone.localtime(at), DATETIME_FORMAT)


def zoned_text(at: datetime, zone: tzinfo) -> str:
    """``at`` in a named zone with its abbreviation, for text read outside that zone's
    viewer: a mail, the SLA explanation (which reasons in its calendar's zone)."""
    local = at.astimezone(zone)
    return f"{dateformat.format(local, DATETIME_FORMAT)} {local.tzname()}"


def day_text(day: date) -> str:
    """A calendar day (no zone) in the desk's format."""
    return dateformat.format(day, DATE_FORMAT)


def time_element(at: datetime, text: str | None = None) -> SafeString:
    """``at`` as a page shows it: a <time> element whose machine value carries the
    viewer's offset, titled with the zone's name."""
    local = timezone.localtime(at)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(timespec="seconds"),
        timezone.get_current_timezone_name(),
        text if text is not None else dateformat.format(local, DATETIME_FORMAT),
    )


@dataclass(frozen=True)
class Moment:
    """An instant handed to a template (a notification's context, an answer on a page).

    It reads in the zone active where it is shown, with the zone's abbreviation ("Tue 3
    Dec 2026, 14:05 CET"), since a mail is read outside the desk; a page's ``when``
    filter makes it a <time> element instead.
    """

    at: datetime

    def __str__(self) -> str:
        return zoned_text(self.at, timezone.get_current_timezone())


def parse_moment(value: str) -> Moment | None:
    """A stored ISO 8601 instant (an event's value) as a Moment; None if it is none."""
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return Moment(at) if at.tzinfo is not None else None


@cache
def time_zone_groups() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The zones a person can pick, grouped by region, each sorted: UTC first, alone."""
    grouped: dict[str, list[str]] = {region: [] for region in REGIONS}
    for name in zoneinfo.available_timezones():
        region = name.split("/", 1)[0]
        if region in grouped and "/" in name:
            grouped[region].append(name)
    return (("", ("UTC",)),) + tuple(
        (region, tuple(sorted(names))) for region, names in grouped.items()
    )

"""The one way a page shows a time or a date: ``{{ value|when }}``.

Instants read in the viewer's zone (the middleware activates it) in the desk's format,
as a <time> element carrying the viewer's offset; ``when:"day"`` gives only the day and
``when:"ago"`` how long ago, with the full time as its title. Dates have no zone.
"""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from hypercare.lib import clock
from hypercare.lib.times import Moment, day_text, local_text, time_element

register = template.Library()


@register.filter
def when(value: datetime | date | Moment | str | None, style: str = "") -> SafeString | str:
    if value is None or value == "":
        return ""
    if isinstance(value, Moment):
        value = value.at
    if isinstance(value, datetime):
        return _instant(value, style)
    if isinstance(value, date):
        return format_html('<time datetime="{}">{}</time>', value.isoformat(), day_text(value))
    # Text that is already words (an answer, "—") is shown as it is.
    return value


def _instant(at: datetime, style: str) -> SafeString:
    if style == "day":
        return time_element(at, day_text(timezone.localtime(at).date()))
    if style == "ago":
        return format_html(
            '<time datetime="{}" title="{}">{} ago</time>',
            timezone.localtime(at).isoformat(timespec="seconds"),
            local_text(at),
            timesince(at, clock.now()),
        )
    return time_element(at)

"""SLA badges for queue rows and the requester's plain-words resolution promise."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from hypercare.lib import clock
from hypercare.lib.times import local_text, time_element
from hypercare.sla.choices import ClockState
from hypercare.tickets.models import Ticket
from hypercare.web.sla import panel as sla

register = template.Library()


@register.simple_tag
def due_badge(ticket: Ticket) -> SafeString:
    """The most pressing clock of a queue row: time left in colour, or how it stands."""
    at = clock.now()
    shown = sla.most_pressing(ticket, at)
    if shown.state == ClockState.BREACHED and shown.due_at is not None:
        return format_html(
            '<span class="sla sla--breached" title="{} was due {}">{}</span>'
            '<span class="sla__clock muted small">{}</span>',
            shown.label,
            local_text(shown.due_at),
            sla.breached_ago(shown.due_at, at),
            shown.label.lower(),
        )
    if shown.state != ClockState.RUNNING or shown.due_at is None:
        return format_html('<span class="sla sla--{}">{}</span>', shown.tone, shown.state_label)
    return format_html(
        '<span class="sla sla--{}" title="{} due {}">{}</span>'
        '<span class="sla__clock muted small">{}</span>',
        shown.tone,
        shown.label,
        local_text(shown.due_at),
        time_element(shown.due_at, shown.remaining),
        shown.label.lower(),
    )


@register.filter
def expected_resolution(ticket: Ticket) -> str:
    return sla.expected_resolution(ticket, clock.now())

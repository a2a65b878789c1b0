"""Major incidents on every page: the banner of active incidents, the ticket page's panel,
and the queue's choice of incident to attach ticked tickets to."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from hypercare import access
from hypercare.accounts.models import User
from hypercare.incidents.models import MajorIncident
from hypercare.incidents.selectors import active_incidents, incident_of_ticket
from hypercare.lib import clock
from hypercare.lib.times import local_text, time_element
from hypercare.tickets.models import Ticket
from hypercare.web.sla.panel import time_left

register = template.Library()


@register.inclusion_tag("web/incidents/_banner.html")
def incident_banner(user: User) -> dict[str, Any]:
    """The active incidents ``user`` may see: an institution's user only those affecting
    their institution, in the incident's public words."""
    incidents = list(active_incidents(user)) if user.is_authenticated else []
    return {"incidents": incidents, "desk": access.is_agent(user), "now": clock.now()}


@register.simple_tag
def resolve_badge(incident: MajorIncident) -> SafeString | str:
    """The resolution target of an active incident: the time left, or how long overdue."""
    due = incident.resolve_by
    if not incident.is_active or due is None:
        return ""
    at = clock.now()
    tone = "breached" if incident.resolve_overdue(at) else "ok"
    return format_html(
        '<span class="sla sla--{}" data-resolve-by title="Resolve by {}">{}</span>',
        tone,
        local_text(due),
        time_element(due, time_left(due - at)),
    )


@register.simple_tag
def incidents_to_attach_to(user: User) -> list[MajorIncident]:
    """The active incidents ``user`` may attach tickets to; none for who may not."""
    if not access.can_handle_major_incident(user):
        return []
    return list(active_incidents(user))


@register.inclusion_tag("web/incidents/_ticket_panel.html")
def incident_panel(user: User, ticket: Ticket, next_url: str) -> dict[str, Any]:
    """The ticket's incident, or the ways to make it part of one."""
    return {
        "ticket": ticket,
        "incident": incident_of_ticket(user, ticket),
        "active": incidents_to_attach_to(user),
        "can_handle": access.can_handle_major_incident(user),
        "next_url": next_url,
    }

"""The SLA panel on its own, for the ticket page to refresh after a change."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hypercare.lib import clock
from hypercare.tickets.selectors import get_visible_ticket
from hypercare.web.guards import signed_in_user, ticket_page_part, workspace_view
from hypercare.web.sla.panel import sla_panel


@workspace_view
@ticket_page_part
def sla_part(request: HttpRequest, pk: int) -> HttpResponse:
    """The SLA panel again, after a change that may have moved the clocks."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    context = {"ticket": ticket, "sla": sla_panel(user, ticket, clock.now())}
    return render(request, "web/sla/_panel.html", context)

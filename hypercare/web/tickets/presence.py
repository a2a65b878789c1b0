"""The ticket page's heartbeat: who else has the ticket open, and who is replying."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from hypercare.tickets.selectors import get_visible_ticket, others_present
from hypercare.tickets.services.presence import record_presence
from hypercare.web.guards import signed_in_user, workspace_view


@workspace_view
@require_POST
def heartbeat(request: HttpRequest, pk: int) -> HttpResponse:
    """The page beats every few seconds, and the reply box when typed in (``replying``);
    the answer is the others there now."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    record_presence(ticket=ticket, actor=user, replying=request.POST.get("replying") == "1")
    context = {"present": others_present(user, ticket)}
    return render(request, "web/tickets/_present.html", context)

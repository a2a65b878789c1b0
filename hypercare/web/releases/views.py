"""Planning a ticket's fix for a release, in place on the desk's ticket page."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from hypercare.errors import ValidationFailed
from hypercare.releases.services import plan_for_release
from hypercare.tickets.selectors import get_visible_ticket
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.tickets.desk_ticket import changed_response, panel_for, refused_response


@workspace_view
@require_POST
def plan_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan the fix for a release not shipped yet, move it to another, or take it off."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    panel = panel_for(user, ticket, data=request.POST, open="release")
    if panel.release.is_valid():
        release = panel.release.cleaned_data["release"]
        try:
            ticket = plan_for_release(ticket=ticket, actor=user, release=release)
        except ValidationFailed as exc:
            show_service_errors(exc, panel.release)
        else:
            return changed_response(request, user, ticket)
    return refused_response(request, user, ticket, panel)

"""Releases on the workspace: the list where managers plan and ship them, and planning a
ticket's fix for one, in place on the desk's ticket page."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.errors import ValidationFailed
from hypercare.releases.selectors import get_visible_release, release_list
from hypercare.releases.services import create_release, plan_for_release, ship_release
from hypercare.tickets.selectors import get_visible_ticket
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.releases.forms import NewReleaseForm
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


@workspace_view
def releases(request: HttpRequest) -> HttpResponse:
    """Every release with its planned tickets; managers plan new ones here and ship them."""
    user = signed_in_user(request)
    form = NewReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            release = create_release(
                actor=user,
                version=data["version"],
                planned_date=data["planned_date"],
                notes=data["notes"],
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"Release {release.version} planned.")
            return redirect("web:releases")
    context = {
        "releases": release_list(user),
        "form": form,
        "can_manage": access.can_manage_releases(user),
    }
    return render(
        request, "web/releases/releases.html", context, status=422 if form.errors else 200
    )


@workspace_view
@require_POST
def ship(request: HttpRequest, pk: int) -> HttpResponse:
    """Ship the release now; the service refuses anyone but managers, and a second time."""
    user = signed_in_user(request)
    release = ship_release(release=get_visible_release(user, pk), actor=user)
    messages.success(request, f"Release {release.version} shipped.")
    return redirect("web:releases")

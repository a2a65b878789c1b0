"""The workspace's saved views: kept from the queue page, managed on their own page."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hypercare.errors import ValidationFailed
from hypercare.tickets.saved_views import get_usable_saved_view, shareable_teams, usable_saved_views
from hypercare.tickets.services.saved_views import (
    create_saved_view,
    delete_saved_view,
    move_saved_view,
    update_saved_view,
)
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.tickets.desk_forms import SavedViewForm


@workspace_view
def saved_views(request: HttpRequest) -> HttpResponse:
    """The person's tabs; a POST keeps the queue page's current filters as a new one."""
    user = signed_in_user(request)
    form = SavedViewForm(request.POST or None, teams=shareable_teams(user))
    if request.method == "POST" and form.is_valid():
        try:
            view = create_saved_view(actor=user, **form.cleaned_data)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"Saved view “{view.name}” added.")
            return redirect(f"{reverse('web:desk')}?view={view.pk}")
    context = {"views": usable_saved_views(user), "form": form}
    status = 422 if form.errors else 200
    return render(request, "web/tickets/saved_views.html", context, status=status)


@workspace_view
def edit_saved_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    view = get_usable_saved_view(user, pk)
    form = SavedViewForm(
        request.POST or None,
        teams=shareable_teams(user),
        initial={
            "name": view.name,
            "query": view.query,
            "sort": view.sort,
            "columns": ", ".join(view.columns),
            "team": view.team,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_saved_view(actor=user, view=view, **form.cleaned_data)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Saved view updated.")
            return redirect("web:saved-views")
    context = {"view": view, "form": form}
    status = 422 if form.errors else 200
    return render(request, "web/tickets/saved_view_edit.html", context, status=status)


@workspace_view
@require_POST
def remove_saved_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    view = get_usable_saved_view(user, pk)
    delete_saved_view(actor=user, view=view)
    messages.success(request, f"Saved view “{view.name}” removed.")
    return redirect("web:saved-views")


@workspace_view
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """One place left or right among the tabs."""
    user = signed_in_user(request)
    view = get_usable_saved_view(user, pk)
    move_saved_view(actor=user, view=view, offset=-1 if request.POST.get("to") == "left" else 1)
    return redirect("web:saved-views")

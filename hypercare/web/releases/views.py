"""Releases on the workspace: the list where managers plan them, each release's page
(its tickets, its notes to word, shipping it), and planning a ticket's fix for one, in
place on the desk's ticket page."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed
from hypercare.releases.models import Release
from hypercare.releases.notes import as_text
from hypercare.releases.selectors import (
    get_visible_note_item,
    get_visible_release,
    notes_for,
    release_list,
)
from hypercare.releases.services import (
    compile_release_notes,
    create_release,
    edit_note_item,
    edit_release_notes,
    plan_for_release,
    ship_release,
)
from hypercare.tickets.selectors import get_visible_ticket, visible_tickets
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.releases.forms import NewReleaseForm, NoteItemForm, ReleaseNotesForm
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
    messages.success(
        request,
        f"Release {release.version} shipped. The admins of the institutions concerned get "
        "its notes.",
    )
    return redirect("web:releases")


@workspace_view
def release_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One release: the tickets planned for it, its notes by module, and shipping it."""
    user = signed_in_user(request)
    release = get_visible_release(user, pk)
    return _release_page(request, user, release, ReleaseNotesForm(initial={"notes": release.notes}))


def _release_page(
    request: HttpRequest,
    user: User,
    release: Release,
    notes_form: ReleaseNotesForm,
    failed_item: tuple[int, NoteItemForm] | None = None,
) -> HttpResponse:
    refused = bool(notes_form.errors or failed_item)
    context = {
        "release": release,
        "tickets": visible_tickets(user)
        .filter(release=release)
        .select_related("module", "institution")
        .order_by("pk"),
        "groups": notes_for(user, release),
        "notes_form": notes_form,
        "failed_item": failed_item,
        "can_manage": access.can_manage_releases(user) and not release.is_shipped,
    }
    return render(request, "web/releases/release.html", context, status=422 if refused else 200)


@workspace_view
@require_POST
def edit_notes(request: HttpRequest, pk: int) -> HttpResponse:
    """Word the general notes; the service refuses anyone but managers, and once shipped."""
    user = signed_in_user(request)
    release = get_visible_release(user, pk)
    form = ReleaseNotesForm(request.POST)
    if form.is_valid():
        try:
            edit_release_notes(release=release, actor=user, notes=form.cleaned_data["notes"])
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "General notes saved.")
            return redirect("web:release", pk=release.pk)
    return _release_page(request, user, release, form)


@workspace_view
@require_POST
def compile_notes(request: HttpRequest, pk: int) -> HttpResponse:
    """Compile the items again from what the release resolves, keeping the wording."""
    user = signed_in_user(request)
    release = compile_release_notes(release=get_visible_release(user, pk), actor=user)
    messages.success(request, f"Notes of {release.version} compiled from what it resolves.")
    return redirect("web:release", pk=release.pk)


@workspace_view
@require_POST
def edit_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Word one item of the notes; compiling again keeps the wording."""
    user = signed_in_user(request)
    item = get_visible_note_item(user, pk)
    form = NoteItemForm(request.POST)
    if form.is_valid():
        try:
            edit_note_item(item=item, actor=user, text=form.cleaned_data["text"])
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"Line of {item.reference} saved.")
            return redirect(reverse("web:release", args=[item.release_id]) + f"#item-{item.pk}")
    release = get_visible_release(user, item.release_id)
    notes_form = ReleaseNotesForm(initial={"notes": release.notes})
    return _release_page(request, user, release, notes_form, (item.pk, form))


def notes_export(user: User, release: Release) -> HttpResponse:
    """The notes as ``user`` may read them, as a plain-text download."""
    response = HttpResponse(
        as_text(release, notes_for(user, release)), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="release-{release.version}.txt"'
    return response


@workspace_view
def desk_notes_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    return notes_export(user, get_visible_release(user, pk))

"""Watchers on the ticket pages: support staff add and remove them in place on the
workspace's ticket page (HTMX swaps the panel; a plain form post goes back to the page);
the requester side adds colleagues from the portal. And the @mention suggestions the
note composer asks for as an agent types."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound, ValidationFailed
from hypercare.lib.validation import EMPTY
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import get_visible_ticket
from hypercare.tickets.services.watchers import add_watcher, not_a_candidate, remove_watcher
from hypercare.tickets.watching import mentionable, watcher_by_address, watcher_by_id
from hypercare.web.errors import is_htmx
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import portal_view, signed_in_user, workspace_view
from hypercare.web.tickets import portal
from hypercare.web.tickets.desk_ticket import side_panel_changed, side_panel_refused
from hypercare.web.watchers.forms import WatcherForm
from hypercare.web.watchers.panel import AUTO_ID, watchers_panel

DESK_PANEL = "web/watchers/_desk_panel.html"
NOT_WATCHING = "This person is not one of the ticket's watchers that you may see."


@workspace_view
@require_POST
def desk_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    form = WatcherForm(request.POST, auto_id=AUTO_ID)
    watcher = _added(user, ticket, form)
    if watcher is None:
        panel = {"watchers": watchers_panel(user, ticket, form=form)}
        return side_panel_refused(request, user, ticket, DESK_PANEL, panel)
    done = f"{watcher.display_name} watches this ticket."
    panel = {"watchers": watchers_panel(user, ticket)}
    return side_panel_changed(request, ticket, DESK_PANEL, panel, done)


@workspace_view
@require_POST
def desk_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    watcher = _watcher(user, ticket, user_pk)
    remove_watcher(ticket=ticket, actor=user, watcher=watcher)
    done = f"{watcher.display_name} no longer watches this ticket."
    panel = {"watchers": watchers_panel(user, ticket)}
    return side_panel_changed(request, ticket, DESK_PANEL, panel, done)


@portal_view
@require_POST
def portal_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A colleague added from the portal sees the request and hears of it from now on."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    form = WatcherForm(request.POST, auto_id=AUTO_ID)
    watcher = _added(user, ticket, form)
    if watcher is None:
        panel = watchers_panel(user, ticket, form=form)
        return portal.page_response(request, user, ticket, watchers=panel, status=422)
    messages.success(request, f"{watcher.display_name} now follows this request with you.")
    return redirect("web:portal-ticket", pk=ticket.pk)


@portal_view
@require_POST
def portal_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """Someone who stops watching a request they may no longer see goes to their list."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    watcher = _watcher(user, ticket, user_pk)
    remove_watcher(ticket=ticket, actor=user, watcher=watcher)
    if watcher.pk == user.pk:
        messages.success(request, f"You no longer follow {ticket.reference}.")
    else:
        messages.success(request, f"{watcher.display_name} no longer follows this request.")
    if not access.can_see_ticket(user, ticket):
        return redirect("web:portal")
    return redirect("web:portal-ticket", pk=ticket.pk)


@workspace_view
@require_GET
def desk_mentionable(request: HttpRequest, pk: int) -> HttpResponse:
    """The support staff a note may mention whose name starts as typed (``q``), as the
    options of the note composer's suggestion list. Opened without the composer's
    script (not a page of its own) it leads to the ticket's page."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    if not is_htmx(request):
        return redirect("web:desk-ticket", pk=ticket.pk)
    people = mentionable(user, ticket, request.GET.get("q", ""))
    return render(request, "web/watchers/_mentionable.html", {"people": people})


def _added(user: User, ticket: Ticket, form: WatcherForm) -> User | None:
    """The watcher the valid ``form`` names, added; None with the form's errors."""
    if not form.is_valid():
        return None
    typed = form.cleaned_data["user"]
    watcher = watcher_by_address(user, ticket, typed)
    try:
        if watcher is None:
            raise ValidationFailed({"user": not_a_candidate(user) if typed.strip() else EMPTY})
        add_watcher(ticket=ticket, actor=user, watcher=watcher)
    except ValidationFailed as exc:
        show_service_errors(exc, form)
        return None
    return watcher


def _watcher(user: User, ticket: Ticket, user_pk: int) -> User:
    watcher = watcher_by_id(user, ticket, user_pk)
    if watcher is None:
        raise NotFound(NOT_WATCHING)
    return watcher

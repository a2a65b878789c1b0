"""Links on the workspace's ticket page: link, unlink and merge in place (HTMX swaps
the links panel and the timeline reloads itself; a plain form post goes back to the
page), and the page that splits one message off into a new ticket."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare.accounts.models import User
from hypercare.errors import NotFound, ValidationFailed
from hypercare.links import services
from hypercare.links.selectors import get_visible_link
from hypercare.tickets.choices import EventKind
from hypercare.tickets.models import Ticket, TicketEvent
from hypercare.tickets.selectors import get_visible_ticket, timeline
from hypercare.web.forms import named_ticket, show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.links.forms import LinkForm, MergeForm, SplitForm
from hypercare.web.links.panel import links_panel
from hypercare.web.tickets.desk_ticket import (
    go_to_ticket,
    side_panel_changed,
    side_panel_refused,
)


@workspace_view
@require_POST
def add_link(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    form = LinkForm(request.POST, auto_id="id_link-%s")
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            other = named_ticket(user, form, "ticket")
            services.link_tickets(ticket=ticket, other=other, kind=kind, actor=user)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            return _changed(request, user, ticket, f"Linked to {other.reference}.")
    return _refused(request, user, ticket, link_form=form)


@workspace_view
@require_POST
def remove_link(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    """A merge's link stays: the service refuses it, and the page says why."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    services.unlink_tickets(link=get_visible_link(user, ticket, link_pk), actor=user)
    return _changed(request, user, ticket, "Link removed.")


@workspace_view
@require_POST
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this ticket into another; the agent goes on to the surviving ticket."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    form = MergeForm(request.POST, auto_id="id_merge-%s")
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            survivor = named_ticket(user, form, "survivor")
            services.merge_tickets(duplicate=ticket, survivor=survivor, actor=user, reason=reason)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"{ticket.reference} is merged into {survivor.reference}.")
            return go_to_ticket(request, survivor)
    return _refused(request, user, ticket, merge_form=form)


@workspace_view
def split(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    """Make a new ticket from one public message of this one, linked to it."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    message = _public_message(user, ticket, event_pk)
    form = SplitForm(request.POST or None, initial={"title": ticket.title})
    if request.method == "POST" and form.is_valid():
        title = form.cleaned_data["title"]
        try:
            new = services.split_ticket(ticket=ticket, event=message, actor=user, title=title)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"{new.reference} is made from the message.")
            return redirect("web:desk-ticket", pk=new.pk)
    context = {"ticket": ticket, "message": message, "form": form}
    return render(request, "web/links/split.html", context, status=422 if form.errors else 200)


def _public_message(user: User, ticket: Ticket, event_pk: int) -> TicketEvent:
    found = timeline(user, ticket).filter(pk=event_pk, kind=EventKind.PUBLIC_REPLY).first()
    if found is None:
        raise NotFound("No such message on this ticket.")
    return found


PANEL = "web/links/_desk_panel.html"


def _changed(request: HttpRequest, user: User, ticket: Ticket, done: str) -> HttpResponse:
    return side_panel_changed(request, ticket, PANEL, {"links": links_panel(user, ticket)}, done)


def _refused(
    request: HttpRequest,
    user: User,
    ticket: Ticket,
    *,
    link_form: LinkForm | None = None,
    merge_form: MergeForm | None = None,
) -> HttpResponse:
    links = links_panel(user, ticket, link_form=link_form, merge_form=merge_form)
    return side_panel_refused(request, user, ticket, PANEL, {"links": links})

"""The support workspace's queues, bulk changes and saved replies."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hypercare.accounts.selectors import support_agents
from hypercare.errors import NotFound, ValidationFailed
from hypercare.orgs.selectors import own_teams, teams
from hypercare.tickets.choices import Status
from hypercare.tickets.models import SavedView
from hypercare.tickets.queue_filters import queue_filter_form
from hypercare.tickets.saved_views import (
    ALL_QUEUE,
    saved_view_counts,
    shareable_teams,
    usable_saved_views,
    view_columns,
)
from hypercare.tickets.selectors import (
    QUEUES,
    default_queue,
    get_usable_saved_reply,
    queue,
    queue_counts,
    team_counts,
    usable_saved_replies,
    visible_tickets_among,
)
from hypercare.tickets.services.bulk import BulkOutcome, bulk_assign, bulk_change_status
from hypercare.tickets.services.saved_replies import (
    create_saved_reply,
    delete_saved_reply,
    update_saved_reply,
)
from hypercare.web.errors import is_htmx
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.pages import page_of, safe_next
from hypercare.web.tickets.desk_forms import BulkForm, SavedReplyForm, SavedViewForm


@workspace_view
def queue_page(request: HttpRequest) -> HttpResponse:
    """A queue, or a saved view (``?view=``): its filters, sort and columns."""
    user = signed_in_user(request)
    views = list(usable_saved_views(user))
    view = _chosen_view(request, views)
    data = _view_data(view) if view is not None else request.GET
    name = data.get("queue", "")
    if name not in QUEUES:
        name = ALL_QUEUE if view is not None else default_queue(user)
    agents = support_agents()
    form = queue_filter_form(user, data, agents)
    form.is_valid()
    page = page_of(request, queue(user, name, form.filters(), form.ordering()))
    columns = view_columns(view)
    counts = saved_view_counts(user, views)
    context = {
        "page": page,
        "form": form,
        "queue": name,
        "queues": QUEUES,
        "counts": queue_counts(user),
        "team_counts": team_counts(user) if name == "team" and view is None else [],
        "kept_filters": _filters_without(request, "queue", "page", "view"),
        "agents": agents,
        "statuses": Status.choices,
        "view": view,
        "view_tabs": [(tab, counts[tab.pk]) for tab in views],
        "columns": columns,
        "save_form": SavedViewForm(
            teams=shareable_teams(user),
            auto_id="save_%s",  # the filters above hold fields of the same names
            initial={
                "query": view.query if view is not None else data.urlencode(),
                "sort": form.ordering(),
                "columns": ",".join(key for key, _ in columns),
            },
        ),
    }
    if is_htmx(request) and request.headers.get("HX-Target") == "queue-results":
        return render(request, "web/tickets/_queue_results.html", context)
    return render(request, "web/tickets/queue.html", context)


def _chosen_view(request: HttpRequest, views: list[SavedView]) -> SavedView | None:
    """The saved view the page asks for; another person's view is no view (404)."""
    asked = request.GET.get("view", "")
    if not asked:
        return None
    for view in views:
        if str(view.pk) == asked:
            return view
    raise NotFound("No such saved view.")


def _view_data(view: SavedView) -> QueryDict:
    data = QueryDict(view.query, mutable=True)
    data["sort"] = view.sort
    return data


def _filters_without(request: HttpRequest, *names: str) -> str:
    """The page's query string less ``names``: switching queues keeps the filters."""
    kept = request.GET.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()


@workspace_view
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Review first, then apply: a bulk change is shown with its tickets before it happens."""
    user = signed_in_user(request)
    back = safe_next(request, request.POST.get("next")) or reverse("web:desk")
    form = BulkForm(request.POST, agents=support_agents())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    data = form.cleaned_data
    tickets = visible_tickets_among(user, data["ticket"])
    if "confirm" not in request.POST:
        context = {"form": form, "tickets": tickets, "data": data, "back": back}
        return render(request, "web/tickets/bulk_confirm.html", context)
    if data["action"] == "assign":
        outcome = bulk_assign(
            tickets=tickets, actor=user, assignee=data["assignee"], reason=data["reason"]
        )
    else:
        outcome = bulk_change_status(
            tickets=tickets, actor=user, status=data["status"], reason=data["reason"]
        )
    _report(request, outcome)
    return redirect(back)


def _report(request: HttpRequest, outcome: BulkOutcome) -> None:
    if outcome.changed:
        count = len(outcome.changed)
        messages.success(request, f"{count} ticket{'s' if count != 1 else ''} updated.")
    for ticket, reason in outcome.refused:
        messages.warning(request, f"{ticket.reference} was not changed: {reason}")


@workspace_view
def saved_replies(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = SavedReplyForm(request.POST or None, teams=own_teams(user))
    if request.method == "POST" and form.is_valid():
        try:
            create_saved_reply(
                actor=user,
                team=form.cleaned_data["team"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Saved reply added.")
            return redirect("web:saved-replies")
    context = {"replies": usable_saved_replies(user), "form": form}
    status = 422 if form.errors else 200
    return render(request, "web/tickets/saved_replies.html", context, status=status)


@workspace_view
def edit_saved_reply(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    reply = get_usable_saved_reply(user, pk)
    form = SavedReplyForm(
        request.POST or None,
        teams=teams().filter(pk=reply.team_id),
        initial={"team": reply.team, "title": reply.title, "body": reply.body},
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_saved_reply(
                actor=user,
                reply=reply,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Saved reply updated.")
            return redirect("web:saved-replies")
    context = {"reply": reply, "form": form}
    status = 422 if form.errors else 200
    return render(request, "web/tickets/saved_reply_edit.html", context, status=status)


@workspace_view
@require_POST
def remove_saved_reply(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    reply = get_usable_saved_reply(user, pk)
    delete_saved_reply(actor=user, reply=reply)
    messages.success(request, f"Saved reply “{reply.title}” removed.")
    return redirect("web:saved-replies")

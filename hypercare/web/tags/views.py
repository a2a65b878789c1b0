"""Tags on the workspace: tag and untag a ticket in place (HTMX swaps the tags panel
and the timeline reloads itself; a plain form post goes back to the page), the list of
tags, and a tag's page where support managers rename or merge it."""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed
from hypercare.tags import services
from hypercare.tags.models import Tag
from hypercare.tags.selectors import get_visible_tag, tags_in_use, tickets_tagged, visible_tags
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import get_visible_ticket
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.tags.forms import MergeTagForm, RenameTagForm, TagForm
from hypercare.web.tags.panel import tags_panel
from hypercare.web.tickets.desk_ticket import side_panel_changed, side_panel_refused

PANEL = "web/tags/_desk_panel.html"


@workspace_view
@require_POST
def add_tag(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    form = TagForm(request.POST, auto_id="id_tag-%s")
    if form.is_valid():
        try:
            tag = services.add_tag(ticket=ticket, actor=user, name=form.cleaned_data["name"])
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            return _changed(request, user, ticket, f"Tagged “{tag.name}”.")
    panel = tags_panel(user, ticket, form=form)
    return side_panel_refused(request, user, ticket, PANEL, {"tags": panel})


@workspace_view
@require_POST
def remove_tag(request: HttpRequest, pk: int, tag_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    tag = get_visible_tag(user, tag_pk)
    services.remove_tag(ticket=ticket, actor=user, tag=tag)
    return _changed(request, user, ticket, f"Tag “{tag.name}” removed.")


def _changed(request: HttpRequest, user: User, ticket: Ticket, done: str) -> HttpResponse:
    return side_panel_changed(request, ticket, PANEL, {"tags": tags_panel(user, ticket)}, done)


@workspace_view
def tag_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    context = {"tags": tags_in_use(user), "manages": access.can_manage_tags(user)}
    return render(request, "web/tags/tags.html", context)


@workspace_view
def tag_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A tag's upkeep: rename it, or merge it into another (support managers)."""
    user = signed_in_user(request)
    tag = get_visible_tag(user, pk)
    return _tag_page(request, user, tag)


@workspace_view
@require_POST
def rename(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    tag = get_visible_tag(user, pk)
    form = RenameTagForm(request.POST, auto_id="id_rename-%s")
    if form.is_valid():
        try:
            renamed = services.rename_tag(tag=tag, actor=user, name=form.cleaned_data["name"])
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"Tag renamed “{renamed.name}”.")
            return redirect("web:tag", pk=tag.pk)
    return _tag_page(request, user, tag, rename_form=form)


@workspace_view
@require_POST
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    tag = get_visible_tag(user, pk)
    form = MergeTagForm(request.POST, tags=_others(user, tag), auto_id="id_merge-%s")
    if form.is_valid():
        into = form.cleaned_data["into"]
        services.merge_tags(tag=tag, into=into, actor=user)
        messages.success(request, f"“{tag.name}” is merged into “{into.name}”.")
        return redirect("web:tag", pk=into.pk)
    return _tag_page(request, user, tag, merge_form=form)


def _others(user: User, tag: Tag) -> QuerySet[Tag]:
    return visible_tags(user).exclude(pk=tag.pk)


def _tag_page(
    request: HttpRequest,
    user: User,
    tag: Tag,
    *,
    rename_form: RenameTagForm | None = None,
    merge_form: MergeTagForm | None = None,
) -> HttpResponse:
    context = {
        "tag": tag,
        "tickets": tickets_tagged(user, tag),
        "manages": access.can_manage_tags(user),
        "rename_form": rename_form
        or RenameTagForm(auto_id="id_rename-%s", initial={"name": tag.name}),
        "merge_form": merge_form or MergeTagForm(tags=_others(user, tag), auto_id="id_merge-%s"),
    }
    status = 422 if (rename_form or merge_form) else 200
    return render(request, "web/tags/tag.html", context, status=status)

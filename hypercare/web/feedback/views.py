"""Product ideas on both sides of the desk.

Support staff (``/desk/ideas/``) record ideas, word them, link enhancement tickets, merge
duplicates; support managers plan, decline or ship them. Institutions (``/portal/ideas/``)
read every idea with its vote count, and their key users and admins vote.
"""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed
from hypercare.feedback import services
from hypercare.feedback.choices import IdeaStatus
from hypercare.feedback.models import Idea
from hypercare.feedback.selectors import (
    IdeaFilters,
    get_visible_idea,
    idea_list,
    idea_tickets,
    idea_votes,
)
from hypercare.releases.models import Release
from hypercare.tickets.selectors import get_visible_ticket
from hypercare.web.feedback.forms import IdeaForm, IdeaStatusForm, MergeIdeaForm, RecordIdeaForm
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import portal_view, signed_in_user, workspace_view
from hypercare.web.pages import page_of


def _listed(request: HttpRequest, user: User) -> dict[str, object]:
    text = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    status = status if status in IdeaStatus.values else ""
    found = idea_list(user, IdeaFilters(text=text, status=status))
    return {
        "page": page_of(request, found),
        "q": text,
        "status": status,
        "statuses": IdeaStatus.choices,
    }


@workspace_view
def desk_ideas(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = IdeaForm(request.POST or None, auto_id="id_idea-%s")
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.create_idea(actor=user, **form.cleaned_data)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"{idea.reference} recorded.")
            return redirect("web:idea", pk=idea.pk)
    context = {**_listed(request, user), "form": form}
    return render(
        request, "web/feedback/desk_ideas.html", context, status=422 if form.errors else 200
    )


def _releases() -> QuerySet[Release]:
    return Release.objects.order_by("-pk")


def _idea_page(
    request: HttpRequest,
    user: User,
    idea: Idea,
    *,
    edit_form: IdeaForm | None = None,
    status_form: IdeaStatusForm | None = None,
    merge_form: MergeIdeaForm | None = None,
    status: int = 200,
) -> HttpResponse:
    others = idea_list(user).exclude(pk=idea.pk).filter(merged_into__isnull=True)
    initial = {
        "title": idea.title,
        "description": idea.description,
        "module_code": idea.module_code,
    }
    context = {
        "idea": idea,
        "votes": idea_votes(user, idea),
        "tickets": idea_tickets(user, idea),
        "edit_form": edit_form or IdeaForm(initial=initial, auto_id="id_edit-%s"),
        "status_form": (
            status_form
            or IdeaStatusForm(
                initial={"status": idea.status, "release": idea.release_id},
                releases=_releases(),
                auto_id="id_status-%s",
            )
        )
        if access.can_decide_ideas(user)
        else None,
        "merge_form": (merge_form or MergeIdeaForm(ideas=others, auto_id="id_merge-%s"))
        if others.exists() and idea.merged_into_id is None
        else None,
    }
    return render(request, "web/feedback/desk_idea.html", context, status=status)


@workspace_view
def desk_idea(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    return _idea_page(request, user, get_visible_idea(user, pk))


@workspace_view
@require_POST
def edit_idea(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    idea = get_visible_idea(user, pk)
    form = IdeaForm(request.POST, auto_id="id_edit-%s")
    if form.is_valid():
        try:
            services.edit_idea(idea=idea, actor=user, **form.cleaned_data)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Idea saved.")
            return redirect("web:idea", pk=idea.pk)
    return _idea_page(request, user, idea, edit_form=form, status=422)


@workspace_view
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    idea = get_visible_idea(user, pk)
    form = IdeaStatusForm(request.POST, releases=_releases(), auto_id="id_status-%s")
    if form.is_valid():
        try:
            services.change_idea_status(idea=idea, actor=user, **form.cleaned_data)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Status changed; the requesters are told.")
            return redirect("web:idea", pk=idea.pk)
    return _idea_page(request, user, idea, status_form=form, status=422)


@workspace_view
@require_POST
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    idea = get_visible_idea(user, pk)
    others = idea_list(user).exclude(pk=idea.pk).filter(merged_into__isnull=True)
    form = MergeIdeaForm(request.POST, ideas=others, auto_id="id_merge-%s")
    if form.is_valid():
        survivor = form.cleaned_data["survivor"]
        services.merge_idea(duplicate=idea, survivor=survivor, actor=user)
        messages.success(request, f"{idea.reference} is merged into {survivor.reference}.")
        return redirect("web:idea", pk=survivor.pk)
    return _idea_page(request, user, idea, merge_form=form, status=422)


@workspace_view
@require_POST
def record_from_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """From an enhancement ticket's page: record it as an idea already there, or go on to
    a new idea's form with the ticket's words."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    open_ideas = idea_list(user).filter(merged_into__isnull=True)
    chosen = RecordIdeaForm(request.POST, ideas=open_ideas, auto_id="id_record-%s")
    if chosen.is_valid() and chosen.cleaned_data["idea"] is not None:
        idea = chosen.cleaned_data["idea"]
        try:
            services.link_ticket(idea=idea, ticket=ticket, actor=user)
        except ValidationFailed as exc:
            messages.error(request, "; ".join(exc.errors.values()))
        else:
            messages.success(request, f"{ticket.reference} is recorded as {idea.reference}.")
        return redirect("web:desk-ticket", pk=ticket.pk)
    initial = {
        "title": ticket.title,
        "description": ticket.category_details.get("business_need", ticket.description),
        "module_code": ticket.module.code,
    }
    form = IdeaForm(request.POST if "title" in request.POST else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            idea = services.create_idea(actor=user, ticket=ticket, **form.cleaned_data)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"{ticket.reference} is recorded as {idea.reference}.")
            return redirect("web:desk-ticket", pk=ticket.pk)
    context = {"ticket": ticket, "form": form}
    return render(
        request, "web/feedback/new_from_ticket.html", context, status=422 if form.errors else 200
    )


@portal_view
def portal_ideas(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    context = {**_listed(request, user), "can_vote": access.can_vote_for_ideas(user)}
    return render(request, "web/feedback/portal_ideas.html", context)


@portal_view
def portal_idea(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "idea": get_visible_idea(user, pk),
        "can_vote": access.can_vote_for_ideas(user),
    }
    return render(request, "web/feedback/portal_idea.html", context)


@portal_view
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    idea = get_visible_idea(user, pk)
    if request.POST.get("withdraw") == "yes":
        services.withdraw_vote(idea=idea, actor=user)
        messages.success(request, "Your institution's vote is withdrawn.")
    else:
        services.vote(idea=idea, actor=user)
        messages.success(request, "Your institution's vote is counted.")
    return redirect("web:portal-idea", pk=idea.pk)

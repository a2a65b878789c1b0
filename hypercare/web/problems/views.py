"""Problems on the workspace: the list agents search (the known errors while they
triage), a problem's page with every step, and a problem made from tickets."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hypercare.accounts.models import User
from hypercare.errors import NotFound, ValidationFailed
from hypercare.incidents.selectors import get_visible_incident
from hypercare.orgs.selectors import visible_integrations, visible_modules
from hypercare.problems.choices import ProblemStatus
from hypercare.problems.models import Problem
from hypercare.problems.selectors import (
    NO_PROBLEM,
    ProblemFilters,
    can_read_problems,
    get_visible_problem,
    linkable_incidents,
    problem_history,
    problem_incidents,
    problem_list,
    problem_owners,
    problem_tickets,
)
from hypercare.problems.services import records
from hypercare.problems.services.fix import plan_problem_fix
from hypercare.problems.services.records import (
    change_problem_status,
    create_problem,
    link_ticket,
    unlink_ticket,
    update_problem,
)
from hypercare.problems.services.workaround import publish_workaround
from hypercare.releases.selectors import plannable_releases
from hypercare.tickets.selectors import (
    get_visible_ticket,
    visible_tickets_among,
)
from hypercare.web.errors import is_htmx
from hypercare.web.forms import named_ticket, show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.pages import page_of
from hypercare.web.problems.forms import (
    FixReleaseForm,
    IncidentLinkForm,
    LinkTicketForm,
    ProblemForm,
    ProblemStatusForm,
)


def _staff(request: HttpRequest) -> User:
    """The signed-in agent; problems do not exist for anyone else."""
    user = signed_in_user(request)
    if not can_read_problems(user):
        raise NotFound(NO_PROBLEM)
    return user


def _form(user: User, *args: Any, **kwargs: Any) -> ProblemForm:
    return ProblemForm(
        *args,
        modules=visible_modules(user),
        integrations=visible_integrations(user),
        owners=problem_owners(),
        **kwargs,
    )


@workspace_view
def problems(request: HttpRequest) -> HttpResponse:
    """Every problem, or the known errors (``known=1``), matching the words searched; the
    ticket page's search box gets the list alone."""
    user = _staff(request)
    text = request.GET.get("q", "").strip()
    known = request.GET.get("known") == "1"
    filters = ProblemFilters(text=text, known_error=True if known else None)
    found = problem_list(user, filters).order_by("-updated_at", "-pk")
    context = {"page": page_of(request, found), "q": text, "known": known}
    if is_htmx(request):
        return render(request, "web/problems/_problem_list.html", context)
    return render(request, "web/problems/problems.html", context)


@workspace_view
@require_POST
def new_problem(request: HttpRequest) -> HttpResponse:
    """A problem from the tickets ticked in the queue, or the one whose page it is: the
    form first (the title taken from a single ticket), then the problem."""
    user = _staff(request)
    ids = [int(pk) for pk in request.POST.getlist("ticket") if pk.isdigit()]
    tickets = visible_tickets_among(user, ids)
    if "title" not in request.POST:
        initial = {"title": tickets[0].title} if len(tickets) == 1 else {}
        context = {"form": _form(user, initial=initial), "tickets": tickets}
        return render(request, "web/problems/new.html", context)
    form = _form(user, request.POST)
    if form.is_valid():
        try:
            problem = create_problem(actor=user, details=form.details(), tickets=tickets)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"Problem {problem.reference} recorded.")
            return redirect("web:problem", problem.pk)
    return render(request, "web/problems/new.html", {"form": form, "tickets": tickets}, status=422)


@workspace_view
def problem_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The problem, its tickets and history; its details are changed here."""
    user = _staff(request)
    problem = get_visible_problem(user, pk)
    form = _form(user, request.POST or None, initial=ProblemForm.initial_of(problem))
    if request.method == "POST" and form.is_valid():
        try:
            update_problem(problem=problem, actor=user, details=form.details())
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Problem updated.")
            return redirect("web:problem", pk)
    return _page(request, user, problem, form=form)


def _page(request: HttpRequest, user: User, problem: Problem, **forms: Any) -> HttpResponse:
    release = problem.release if problem.status == ProblemStatus.FIX_PLANNED else None
    context = {
        "problem": problem,
        "tickets": problem_tickets(user, problem),
        "history": problem_history(user, problem),
        "form": _form(user, initial=ProblemForm.initial_of(problem)),
        "status_form": ProblemStatusForm(initial={"status": problem.status}),
        "fix_form": FixReleaseForm(releases=plannable_releases(), initial={"release": release}),
        "link_form": LinkTicketForm(),
        "incidents": problem_incidents(user, problem),
        "incident_form": IncidentLinkForm(incidents=linkable_incidents(user, problem)),
        **forms,
    }
    failed = any(form.errors for form in forms.values())
    return render(request, "web/problems/problem.html", context, status=422 if failed else 200)


@workspace_view
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    problem = get_visible_problem(user, pk)
    form = ProblemStatusForm(request.POST)
    if form.is_valid():
        try:
            change_problem_status(
                problem=problem,
                actor=user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            return redirect("web:problem", pk)
    return _page(request, user, problem, status_form=form)


@workspace_view
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Post the workaround to the linked open tickets not told it yet."""
    user = _staff(request)
    posted = publish_workaround(problem=get_visible_problem(user, pk), actor=user)
    if posted:
        count = len(posted)
        messages.success(
            request, f"Workaround posted to {count} ticket{'s' if count != 1 else ''}."
        )
    else:
        messages.info(request, "Every linked open ticket already has this workaround.")
    return redirect("web:problem", pk)


@workspace_view
@require_POST
def plan_fix(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    problem = get_visible_problem(user, pk)
    form = FixReleaseForm(request.POST, releases=plannable_releases())
    if form.is_valid():
        plan_problem_fix(problem=problem, actor=user, release=form.cleaned_data["release"])
        return redirect("web:problem", pk)
    return _page(request, user, problem, fix_form=form)


@workspace_view
@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link a ticket by its reference."""
    user = _staff(request)
    problem = get_visible_problem(user, pk)
    form = LinkTicketForm(request.POST)
    if form.is_valid():
        try:
            ticket = named_ticket(user, form, "ticket")
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            link_ticket(problem=problem, ticket=ticket, actor=user)
            return redirect("web:problem", pk)
    return _page(request, user, problem, link_form=form)


@workspace_view
@require_POST
def unlink(request: HttpRequest, pk: int, ticket_pk: int) -> HttpResponse:
    user = _staff(request)
    problem = get_visible_problem(user, pk)
    ticket = get_visible_ticket(user, ticket_pk)
    unlink_ticket(problem=problem, ticket=ticket, actor=user)
    if request.POST.get("back") == "ticket":
        return redirect(reverse("web:desk-ticket", args=[ticket.pk]) + "#problems")
    return redirect("web:problem", pk)


@workspace_view
@require_POST
def link_incident(request: HttpRequest, pk: int) -> HttpResponse:
    """Name a major incident the problem caused."""
    user = _staff(request)
    problem = get_visible_problem(user, pk)
    form = IncidentLinkForm(request.POST, incidents=linkable_incidents(user, problem))
    if form.is_valid():
        records.link_incident(problem=problem, incident=form.cleaned_data["incident"], actor=user)
        return redirect("web:problem", pk)
    return _page(request, user, problem, incident_form=form)


@workspace_view
@require_POST
def unlink_incident(request: HttpRequest, pk: int, incident_pk: int) -> HttpResponse:
    user = _staff(request)
    problem = get_visible_problem(user, pk)
    incident = get_visible_incident(user, incident_pk)
    records.unlink_incident(problem=problem, incident=incident, actor=user)
    return redirect("web:problem", pk)


@workspace_view
@require_POST
def link_from_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """The ticket page's action: link this ticket to the problem chosen."""
    user = _staff(request)
    ticket = get_visible_ticket(user, pk)
    chosen = request.POST.get("problem", "")
    if not chosen.isdigit():
        raise ValidationFailed({"problem": "Choose a problem"})
    problem = get_visible_problem(user, int(chosen))
    link_ticket(problem=problem, ticket=ticket, actor=user)
    messages.success(request, f"Linked to problem {problem.reference}.")
    return redirect(reverse("web:desk-ticket", args=[ticket.pk]) + "#problems")

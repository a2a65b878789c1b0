"""Change requests on the web desk, one page per change for both sides: support staff
raise, plan, submit, test and implement it; a module owner (in the portal) and a
support manager (on the desk) decide it there. The calendar and the approvals waiting
for the reader are pages of their own."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import IO, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.accounts.models import User
from hypercare.changes import selectors
from hypercare.changes.choices import CLOSED_WITHOUT_WORK, ChangeStatus
from hypercare.changes.models import ChangeRequest
from hypercare.changes.release import plan_change_release
from hypercare.changes.services import approvals, linking, records, testing
from hypercare.errors import InvalidTransition, NotFound, ValidationFailed
from hypercare.orgs.models import Module
from hypercare.orgs.selectors import visible_institutions, visible_modules
from hypercare.problems.selectors import get_visible_problem, visible_problems
from hypercare.releases.selectors import plannable_releases
from hypercare.tickets.selectors import get_visible_ticket, visible_tickets_among
from hypercare.tickets.services.attachments import attachment_path
from hypercare.web.changes.forms import (
    CalendarFilterForm,
    CancelForm,
    ChangeForm,
    DecisionForm,
    EvidenceForm,
    ImplementationForm,
    ProblemLinkForm,
    TicketLinkForm,
)
from hypercare.web.forms import named_ticket, show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.pages import page_of
from hypercare.web.releases.forms import ReleaseForm


def _form(user: User, *args: Any, **kwargs: Any) -> ChangeForm:
    return ChangeForm(
        *args,
        modules=visible_modules(user),
        institutions=visible_institutions(user),
        problems=visible_problems(user),
        **kwargs,
    )


@login_required
def changes(request: HttpRequest) -> HttpResponse:
    """The changes the reader may see (their institution's, for its people), by window."""
    user = signed_in_user(request)
    text = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    filters = selectors.ChangeFilters(
        text=text, status=status if status in ChangeStatus.values else ""
    )
    context = {
        "page": page_of(request, selectors.change_list(user, filters)),
        "q": text,
        "status": filters.status,
        "statuses": ChangeStatus.choices,
        "waiting": selectors.pending_change_approvals(user).count(),
        "can_work": access.can_work_changes(user),
    }
    return render(request, "web/changes/changes.html", context)


@workspace_view
def new_change(request: HttpRequest) -> HttpResponse:
    """A change from the tickets named (``ticket``: a configuration ticket's page, or
    several ticked), or from none; its modules default to theirs."""
    user = signed_in_user(request)
    source = request.POST if request.method == "POST" else request.GET
    ids = [int(pk) for pk in source.getlist("ticket") if pk.isdigit()]
    tickets = visible_tickets_among(user, ids)
    if request.method != "POST":
        initial = {"title": tickets[0].title} if len(tickets) == 1 else {}
        context = {"form": _form(user, initial=initial), "tickets": tickets}
        return render(request, "web/changes/new.html", context)
    form = _form(user, request.POST)
    if form.is_valid():
        try:
            change = records.create_change(actor=user, details=form.details(), tickets=tickets)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"Change request {change.reference} raised.")
            return redirect("web:change", change.pk)
    return render(request, "web/changes/new.html", {"form": form, "tickets": tickets}, status=422)


@login_required
def change_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The change, where it stands and what may be done next; a draft's details are
    changed here."""
    user = signed_in_user(request)
    change = selectors.get_visible_change(user, pk)
    if request.method == "POST":
        form = _form(user, request.POST)
        if form.is_valid():
            try:
                records.update_change(change=change, actor=user, details=form.details())
            except ValidationFailed as exc:
                show_service_errors(exc, form)
            else:
                messages.success(request, "Change request updated.")
                return redirect("web:change", pk)
        return _page(request, user, change, form=form)
    return _page(request, user, change)


def _page(
    request: HttpRequest,
    user: User,
    change: ChangeRequest,
    status: int | None = None,
    **forms: Any,
) -> HttpResponse:
    """The change's page; with a form that failed, that form with its errors (422, or
    ``status`` when the step is refused)."""
    context = {
        "change": change,
        "modules": selectors.change_modules(user, change),
        "institutions": selectors.change_institutions(user, change),
        "approvals": selectors.change_approvals(user, change),
        "evidence": selectors.change_evidence(user, change),
        "tickets": selectors.change_tickets(user, change),
        "problems": selectors.change_problems(user, change),
        "history": selectors.change_history(user, change),
        "collisions": selectors.collisions(user, change),
        "can_work": access.can_work_changes(user),
        "can_link": access.can_work_changes(user) and change.status not in CLOSED_WITHOUT_WORK,
        "can_decide": selectors.pending_change_approvals(user).filter(change=change).exists(),
        "form": _form(user, initial=ChangeForm.initial_of(change)),
        "decision_form": DecisionForm(),
        "evidence_form": EvidenceForm(),
        "implementation_form": ImplementationForm(),
        "cancel_form": CancelForm(),
        "release_form": ReleaseForm(
            releases=plannable_releases(), initial={"release": change.release}
        ),
        "ticket_link_form": TicketLinkForm(),
        "problem_link_form": ProblemLinkForm(problems=selectors.linkable_problems(user, change)),
        **forms,
    }
    failed = any(form.errors for form in forms.values())
    status = status or (422 if failed else 200)
    return render(request, "web/changes/change.html", context, status=status)


@workspace_view
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    records.submit_change(change=selectors.get_visible_change(user, pk), actor=user)
    messages.success(request, "Submitted: its approvers are asked.")
    return redirect("web:change", pk)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """A module owner's or a support manager's decision, with its comment."""
    user = signed_in_user(request)
    change = selectors.get_visible_change(user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            approvals.decide_change(
                change=change,
                actor=user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Your decision is recorded.")
            return redirect("web:change", pk)
    return _page(request, user, change, decision_form=form)


@workspace_view
@require_POST
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    change = selectors.get_visible_change(user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        files = [
            (upload.name or "evidence", cast(IO[bytes], upload))
            for upload in form.cleaned_data["attachments"]
        ]
        try:
            testing.record_evidence(
                change=change, actor=user, note=form.cleaned_data["note"], files=files
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Test evidence recorded.")
            return redirect("web:change", pk)
    return _page(request, user, change, evidence_form=form)


@workspace_view
@require_POST
def implementation(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    change = selectors.get_visible_change(user, pk)
    form = ImplementationForm(request.POST)
    if form.is_valid():
        try:
            testing.record_implementation(
                change=change,
                actor=user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            return redirect("web:change", pk)
    return _page(request, user, change, implementation_form=form)


@workspace_view
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    change = selectors.get_visible_change(user, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        records.cancel_change(change=change, actor=user, reason=form.cleaned_data["reason"])
        return redirect("web:change", pk)
    return _page(request, user, change, cancel_form=form)


@workspace_view
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    change = selectors.get_visible_change(user, pk)
    form = ReleaseForm(request.POST, releases=plannable_releases())
    if form.is_valid():
        try:
            plan_change_release(change=change, actor=user, release=form.cleaned_data["release"])
        except InvalidTransition as exc:
            form.add_error("release", exc.message)
            return _page(request, user, change, status=409, release_form=form)
        return redirect("web:change", pk)
    return _page(request, user, change, release_form=form)


@workspace_view
@require_POST
def link_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """Link a ticket by the reference typed."""
    user = signed_in_user(request)
    change = selectors.get_visible_change(user, pk)
    form = TicketLinkForm(request.POST)
    if form.is_valid():
        try:
            ticket = named_ticket(user, form, "ticket")
            linking.link_ticket(change=change, ticket=ticket, actor=user)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"{ticket.reference} linked; its timeline says so.")
            return redirect("web:change", pk)
    return _page(request, user, change, ticket_link_form=form)


@workspace_view
@require_POST
def unlink_ticket(request: HttpRequest, pk: int, ticket_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    change = selectors.get_visible_change(user, pk)
    ticket = get_visible_ticket(user, ticket_pk)
    linking.unlink_ticket(change=change, ticket=ticket, actor=user)
    messages.success(request, f"{ticket.reference} unlinked.")
    return redirect("web:change", pk)


@workspace_view
@require_POST
def link_problem(request: HttpRequest, pk: int) -> HttpResponse:
    """Name a problem the change fixes, among those not linked yet."""
    user = signed_in_user(request)
    change = selectors.get_visible_change(user, pk)
    form = ProblemLinkForm(request.POST, problems=selectors.linkable_problems(user, change))
    if form.is_valid():
        problem = form.cleaned_data["problem"]
        try:
            linking.link_problem(change=change, problem=problem, actor=user)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"{problem.reference} linked.")
            return redirect("web:change", pk)
    return _page(request, user, change, problem_link_form=form)


@workspace_view
@require_POST
def unlink_problem(request: HttpRequest, pk: int, problem_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    change = selectors.get_visible_change(user, pk)
    problem = get_visible_problem(user, problem_pk)
    linking.unlink_problem(change=change, problem=problem, actor=user)
    messages.success(request, f"{problem.reference} unlinked.")
    return redirect("web:change", pk)


@login_required
def pending(request: HttpRequest) -> HttpResponse:
    """The change approvals waiting for the reader to decide."""
    waiting = selectors.pending_change_approvals(signed_in_user(request))
    return render(request, "web/changes/approvals.html", {"approvals": waiting})


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """A month of changes listed by week, filtered by institution and module, with a
    warning on each change colliding with another."""
    user = signed_in_user(request)
    form = CalendarFilterForm(request.GET or None, institutions=visible_institutions(user))
    month, institution, module = timezone.localdate(), None, ""
    if form.is_valid():
        month = form.cleaned_data["month"] or month
        institution = form.cleaned_data["institution"]
        module = form.cleaned_data["module"]
    found = selectors.change_calendar(
        user,
        month=month,
        institution_id=institution.pk if institution else None,
        module=module,
    )
    context = {
        "form": form,
        "calendar": found,
        "weeks": list(_weeks(user, found)),
        "previous": _shift(found.month, -1),
        "next": _shift(found.month, 1),
    }
    return render(request, "web/changes/calendar.html", context)


@dataclass(frozen=True)
class Entry:
    change: ChangeRequest
    modules: list[Module]
    collisions: list[selectors.Collision]


def _weeks(user: User, found: selectors.Calendar) -> Iterator[tuple[date, list[Entry]]]:
    """The month's changes by the week their window starts in (Monday), each with its
    modules on the reader's side and its collisions."""

    def monday(change: ChangeRequest) -> date:
        start = max(timezone.localtime(change.window_start), found.starts)
        day = start.date()
        return date.fromordinal(day.toordinal() - day.weekday())

    for week, changes in groupby(found.changes, key=monday):
        yield (
            week,
            [
                Entry(
                    change,
                    selectors.change_modules(user, change),
                    found.collisions.get(change.pk, []),
                )
                for change in changes
            ],
        )


def _shift(month: date, by: int) -> str:
    index = month.year * 12 + month.month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, after the change's own access check; never run as a page."""
    found = selectors.get_visible_evidence_file(signed_in_user(request), pk)
    path = attachment_path(found.storage_name)
    if not path.is_file():
        raise NotFound("This file is no longer stored.")
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response

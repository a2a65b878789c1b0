"""Access requests on both sides of the desk: the workspace records them from access
tickets and records them done; the portal's approval owners decide them. The ledger has
a page and two exports on each side (support staff: every institution; an institution's
admins: their own). The periodic reviews too: the portal's admins answer them and set
how often their institution reviews; the workspace lists every institution's (due, open,
done), where support managers set how often."""

from collections.abc import Mapping

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.access_requests import export
from hypercare.access_requests.choices import RequestStatus
from hypercare.access_requests.models import AccessRequest, LedgerEntry, ReviewLine
from hypercare.access_requests.selectors import (
    NO_REVIEW,
    LedgerFilters,
    RequestFilters,
    ReviewPlan,
    access_request_list,
    done_reviews,
    get_visible_access_request,
    get_visible_review,
    ledger,
    review_lines,
    review_plan,
    review_plans,
    visible_reviews,
)
from hypercare.access_requests.services import requests, reviews
from hypercare.accounts.models import User
from hypercare.errors import NotFound, ValidationFailed
from hypercare.lib import clock
from hypercare.orgs.selectors import desk_day, visible_institutions
from hypercare.tickets.selectors import get_visible_ticket
from hypercare.web.access_requests.forms import (
    AccessRequestForm,
    DecisionForm,
    LedgerFilterForm,
    ReviewAnswerForm,
    ReviewIntervalForm,
)
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import portal_view, signed_in_user, workspace_view
from hypercare.web.pages import page_of

NO_LEDGER = "No access ledger here."


@workspace_view
def access_requests(request: HttpRequest) -> HttpResponse:
    """Every access request, newest first, by status."""
    user = signed_in_user(request)
    status = request.GET.get("status", "")
    status = status if status in RequestStatus.values else ""
    found = access_request_list(user, RequestFilters(status=status))
    context = {"page": page_of(request, found), "status": status, "statuses": RequestStatus}
    return render(request, "web/access_requests/requests.html", context)


@workspace_view
def new_from_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """The access ticket's request, filled in from its intake answers."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    people = User.objects.filter(institution_id=ticket.institution_id, is_active=True).order_by(
        "first_name", "last_name", "pk"
    )
    if request.method != "POST":
        initial = AccessRequestForm.initial_from(
            requests.details_from_intake(ticket, requests.today())
        )
        form = AccessRequestForm(people=people, initial=initial)
        return render(request, "web/access_requests/new.html", {"form": form, "ticket": ticket})
    form = AccessRequestForm(request.POST, people=people)
    if form.is_valid():
        try:
            created = requests.open_access_request(
                ticket=ticket, actor=user, details=form.details()
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"Access request {created.reference} recorded.")
            return redirect("web:access-request", created.pk)
    context = {"form": form, "ticket": ticket}
    return render(request, "web/access_requests/new.html", context, status=422)


@workspace_view
def access_request_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = get_visible_access_request(user, pk)
    context = {
        "access_request": found,
        "can_record_done": found.status == RequestStatus.APPROVED
        and access.can_record_access_done(user),
    }
    return render(request, "web/access_requests/request.html", context)


@workspace_view
@require_POST
def record_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = requests.record_done_in_erp(request=get_visible_access_request(user, pk), actor=user)
    messages.success(request, f"{found.reference} recorded as done; the ledger has its line.")
    return redirect("web:access-request", pk)


def _can_decide(user: User, found: AccessRequest) -> bool:
    return found.status == RequestStatus.AWAITING_APPROVAL and access.can_approve_access(
        user, found
    )


@portal_view
def portal_access_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The request as its institution reads it; its approval owner decides it here."""
    user = signed_in_user(request)
    found = get_visible_access_request(user, pk)
    context = {
        "access_request": found,
        "form": DecisionForm(),
        "can_decide": _can_decide(user, found),
    }
    return render(request, "web/access_requests/portal_request.html", context)


@portal_view
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = get_visible_access_request(user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = request.POST.get("decision") == "approve"
        try:
            requests.decide_access_request(
                request=found, actor=user, approve=approve, comment=form.cleaned_data["comment"]
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"{found.reference} {'approved' if approve else 'rejected'}.")
            return redirect("web:approvals")
    context = {"access_request": found, "form": form, "can_decide": _can_decide(user, found)}
    return render(request, "web/access_requests/portal_request.html", context, status=422)


def _ledger_of(request: HttpRequest) -> tuple[LedgerFilterForm, QuerySet[LedgerEntry]]:
    user = signed_in_user(request)
    if not access.can_read_access_ledger(user):
        raise NotFound(NO_LEDGER)
    institutions = visible_institutions(user) if access.is_agent(user) else None
    form = LedgerFilterForm(request.GET or None, institutions=institutions)
    data = form.cleaned_data if form.is_valid() else {}
    institution = data.get("institution")
    filters = LedgerFilters(
        person=data.get("person", ""),
        role=data.get("role", ""),
        action=data.get("action", ""),
        done_from=data.get("done_from"),
        done_to=data.get("done_to"),
        institution_id=institution.pk if institution else None,
    )
    return form, ledger(user, filters)


def _ledger_page(request: HttpRequest) -> HttpResponse:
    form, entries = _ledger_of(request)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page_of(request, entries), "query": query.urlencode()}
    return render(request, "web/access_requests/ledger.html", context)


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _ledger_csv(request: HttpRequest) -> HttpResponse:
    return _download(export.ledger_csv(_ledger_of(request)[1]), export.CSV, "access-ledger.csv")


def _ledger_xlsx(request: HttpRequest) -> HttpResponse:
    content = export.ledger_xlsx(_ledger_of(request)[1])
    return _download(content, export.XLSX, "access-ledger.xlsx")


# The ledger is one page on each side, so each side's navigation and frame hold it.
desk_ledger = workspace_view(_ledger_page)
desk_ledger_csv = workspace_view(_ledger_csv)
desk_ledger_xlsx = workspace_view(_ledger_xlsx)
portal_ledger = portal_view(_ledger_page)
portal_ledger_csv = portal_view(_ledger_csv)
portal_ledger_xlsx = portal_view(_ledger_xlsx)


def _reviewer(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not access.can_read_access_ledger(user):
        raise NotFound(NO_REVIEW)
    return user


@portal_view
def portal_reviews(request: HttpRequest) -> HttpResponse:
    """The institution's periodic access reviews, the open one first, and how often they
    come; its admins set that here."""
    user = _reviewer(request)
    plan = review_plan(user, user.institution_id or 0)
    form = _interval_form(request, user, plan)
    if form is not None and _interval_set(request, user, plan, form):
        return redirect("web:portal-access-reviews")
    found = visible_reviews(user).order_by("closed_at", "-opened_at", "-pk")
    context = {"page": page_of(request, found), "plan": plan, "form": form}
    return _interval_page(request, "web/access_requests/reviews.html", context)


@workspace_view
def desk_reviews(request: HttpRequest) -> HttpResponse:
    """Every institution's periodic access review: how often, the one open, when the
    next is due and how many are done."""
    user = signed_in_user(request)
    context = {"plans": review_plans(user), "today": desk_day(clock.now())}
    return render(request, "web/access_requests/review_plans.html", context)


@workspace_view
def desk_institution_reviews(request: HttpRequest, institution_pk: int) -> HttpResponse:
    """One institution's reviews: the one open, when the next is due, each one done; a
    support manager sets how often here."""
    user = signed_in_user(request)
    plan = review_plan(user, institution_pk)
    form = _interval_form(request, user, plan)
    if form is not None and _interval_set(request, user, plan, form):
        return redirect("web:access-reviews-institution", institution_pk)
    context = {
        "plan": plan,
        "form": form,
        "page": page_of(request, done_reviews(user, plan.institution)),
        "today": desk_day(clock.now()),
    }
    return _interval_page(request, "web/access_requests/institution_reviews.html", context)


@workspace_view
def desk_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A review's lines and their answers, as the institution's admins gave them."""
    user = signed_in_user(request)
    return render(request, "web/access_requests/review.html", _review_context(user, pk))


def _interval_form(request: HttpRequest, user: User, plan: ReviewPlan) -> ReviewIntervalForm | None:
    """The months between reviews, for who may set them (else None); sent, or as set."""
    if request.method == "POST":
        return ReviewIntervalForm(request.POST)
    if not access.can_set_review_interval(user, plan.institution.pk):
        return None
    return ReviewIntervalForm(initial={"months_between_reviews": plan.months})


def _interval_set(
    request: HttpRequest, user: User, plan: ReviewPlan, form: ReviewIntervalForm
) -> bool:
    """Whether a sent form set the months (the service refuses anyone else, 403)."""
    if request.method != "POST" or not form.is_valid():
        return False
    months = form.cleaned_data["months_between_reviews"]
    try:
        reviews.set_review_interval(institution=plan.institution, actor=user, months=months)
    except ValidationFailed as exc:
        show_service_errors(exc, form)
        return False
    every = f"{months} month{'' if months == 1 else 's'}"
    messages.success(request, f"{plan.institution} reviews access every {every}.")
    return True


def _interval_page(
    request: HttpRequest, template: str, context: Mapping[str, object]
) -> HttpResponse:
    """A page with the months between reviews: 422 when they were refused."""
    form = context["form"]
    failed = isinstance(form, ReviewIntervalForm) and bool(form.errors)
    return render(request, template, context, status=422 if failed else 200)


def _review_context(
    user: User, pk: int, failed: ReviewLine | None = None, form: ReviewAnswerForm | None = None
) -> dict[str, object]:
    review = get_visible_review(user, pk)
    lines = [
        (
            line,
            form
            if failed is not None and line.pk == failed.pk
            else ReviewAnswerForm(prefix=f"line-{line.pk}"),
        )
        for line in review_lines(review)
    ]
    return {
        "review": review,
        "lines": lines,
        "can_answer": review.is_open
        and access.can_answer_access_review(user, review.institution_id),
    }


@portal_view
def portal_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Each person's current roles as the ledger records them; the admin confirms or
    flags each line."""
    user = _reviewer(request)
    return render(request, "web/access_requests/review.html", _review_context(user, pk))


@portal_view
@require_POST
def answer_line(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    user = _reviewer(request)
    review = get_visible_review(user, pk)
    line = ReviewLine.objects.filter(review=review, pk=line_pk).first()
    if line is None:
        raise NotFound(NO_REVIEW)
    form = ReviewAnswerForm(request.POST, prefix=f"line-{line.pk}")
    if form.is_valid():
        try:
            reviews.answer_review_line(line=line, actor=user, **form.cleaned_data)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"{line.person_text}: {line.role} answered.")
            return redirect("web:portal-access-review", pk)
    context = _review_context(user, pk, failed=line, form=form)
    return render(request, "web/access_requests/review.html", context, status=422)

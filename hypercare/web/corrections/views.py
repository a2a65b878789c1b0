"""A data correction's pages: support staff write the record, ask for sign-off and
record it applied (the workspace); the data owner decides and the requester verifies
(the portal). Each step's refusals are the services' own."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare.corrections import selectors, services
from hypercare.corrections.content import CorrectionContent
from hypercare.errors import ValidationFailed
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import get_visible_ticket
from hypercare.web.corrections.forms import CorrectionForm, DecisionForm, VerificationForm
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import portal_view, signed_in_user, workspace_view


@workspace_view
def edit_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    record = selectors.correction_of(ticket)
    form = CorrectionForm(initial=CorrectionForm.initial_from(record))
    if request.method == "POST":
        form = CorrectionForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            upload = data["extract"]
            content = CorrectionContent(
                records=data["records"],
                changes=data["changes"],
                reason=data["reason"],
                reversal_plan=data["reversal_plan"],
                extract=record.extract if record is not None else None,
            )
            try:
                services.write_correction_record(
                    ticket=ticket,
                    actor=user,
                    content=content,
                    extract_file=services.ExtractFile(upload.name, upload) if upload else None,
                )
            except ValidationFailed as exc:
                show_service_errors(_by_line(exc), form)
            else:
                messages.success(request, "Correction record saved.")
                return redirect("web:desk-ticket", pk=ticket.pk)
    context = {"ticket": ticket, "record": record, "form": form}
    return render(request, "web/corrections/edit.html", context)


def _by_line(exc: ValidationFailed) -> ValidationFailed:
    """A row's complaint (``changes.1.after``) says which line and part it is about."""
    errors: dict[str, str] = {}
    for key, message in exc.errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[1].isdigit():
            message = f"line {int(parts[1]) + 1}, {parts[2]}: {message}"
        errors.setdefault(parts[0] if len(parts) == 3 else key, message)
    return ValidationFailed(errors)


@workspace_view
@require_POST
def request_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    services.request_sign_off(ticket=ticket, actor=user)
    owner = selectors.data_owner_of(ticket)
    messages.success(
        request, f"{owner.display_name if owner else 'The data owner'} is asked to sign off."
    )
    return redirect("web:desk-ticket", pk=ticket.pk)


@workspace_view
@require_POST
def record_applied(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    services.record_applied(ticket=ticket, actor=user)
    messages.success(request, "Recorded as applied; the requester is asked to verify it.")
    return redirect("web:desk-ticket", pk=ticket.pk)


@portal_view
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The data owner reads the record and signs it off or refuses it."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    form = DecisionForm()
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.decide_sign_off(
                    ticket=ticket,
                    actor=user,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationFailed as exc:
                show_service_errors(exc, form)
            else:
                messages.success(request, "Thank you: your decision is recorded.")
                return redirect("web:portal-ticket", pk=ticket.pk)
    return _step_page(request, ticket, form, "Sign off the data correction")


@portal_view
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """The requester says whether the applied correction is right."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    form = VerificationForm()
    if request.method == "POST":
        form = VerificationForm(request.POST)
        if form.is_valid():
            try:
                services.verify_correction(
                    ticket=ticket,
                    actor=user,
                    outcome=form.cleaned_data["outcome"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationFailed as exc:
                show_service_errors(exc, form)
            else:
                messages.success(request, "Thank you: your answer is recorded.")
                return redirect("web:portal-ticket", pk=ticket.pk)
    return _step_page(request, ticket, form, "Verify the data correction")


def _step_page(
    request: HttpRequest, ticket: Ticket, form: DecisionForm | VerificationForm, title: str
) -> HttpResponse:
    context = {"ticket": ticket, "record": selectors.correction_of(ticket), "form": form}
    return render(request, "web/corrections/step.html", {**context, "title": title})

"""A data correction's pages: support staff write the record, ask for sign-off and
record it applied (the workspace); the data owner decides and the requester verifies
(the portal). Each step's refusals are the services' own; a step's page is refused
before its form is shown once the correction is history (closed, or the ticket is no
longer a data correction)."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare.accounts.models import User
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
    services.require_steps_open(ticket)
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

    def send(ticket: Ticket, user: User, answer: dict[str, str]) -> None:
        services.decide_sign_off(ticket=ticket, actor=user, **answer)

    return _portal_step(request, pk, DecisionForm, send, "Sign off the data correction", "decision")


@portal_view
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """The requester says whether the applied correction is right."""

    def send(ticket: Ticket, user: User, answer: dict[str, str]) -> None:
        services.verify_correction(ticket=ticket, actor=user, **answer)

    return _portal_step(request, pk, VerificationForm, send, "Verify the data correction", "answer")


def _portal_step(
    request: HttpRequest,
    pk: int,
    form_class: type[DecisionForm | VerificationForm],
    send: Callable[[Ticket, User, dict[str, str]], None],
    title: str,
    what: str,
) -> HttpResponse:
    """A portal step's page: the record as it stands, and its form sent to ``send``."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    services.require_steps_open(ticket)
    form = form_class(request.POST) if request.method == "POST" else form_class()
    if form.is_bound and form.is_valid():
        try:
            send(ticket, user, form.cleaned_data)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"Thank you: your {what} is recorded.")
            return redirect("web:portal-ticket", pk=ticket.pk)
    context = {"ticket": ticket, "record": selectors.correction_of(ticket), "form": form}
    return render(request, "web/corrections/step.html", {**context, "title": title})

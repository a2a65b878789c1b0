"""The desk's new ticket: an agent logs a request someone made by phone, at the desk or
in a chat, on their behalf, through the same intake as the portal's report form."""

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hypercare.accounts.models import User
from hypercare.accounts.selectors import requester_candidates
from hypercare.errors import ValidationFailed
from hypercare.orgs.models import Module
from hypercare.orgs.selectors import visible_modules
from hypercare.tickets.models import PendingUpload, Ticket
from hypercare.tickets.services.intake import open_ticket
from hypercare.web.errors import is_htmx
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.tickets.attachments import kept_uploads
from hypercare.web.tickets.desk_new_forms import DeskReportForm, DeskStartForm
from hypercare.web.tickets.forms import CategoryQuestionsForm

# The people a requester search shows at most; the agent types more to narrow it down.
SHOWN_PEOPLE = 20
SEARCH_MAX = 200


def _modules(user: User) -> QuerySet[Module]:
    return visible_modules(user).filter(is_active=True).order_by("institution__name", "name")


@workspace_view
def new_ticket(request: HttpRequest) -> HttpResponse:
    """First the institution's module and the kind of help, then the requester, the
    channel and the same questions, files included, as the portal asks."""
    user = signed_in_user(request)
    posted = request.method == "POST"
    chosen = request.POST if posted else request.GET
    start = DeskStartForm(
        chosen if {"module", "category"} & set(chosen) else None, modules=_modules(user)
    )
    if not start.is_valid() or "change" in request.GET:
        status = 422 if start.is_bound and start.errors and posted else 200
        return render(request, "web/tickets/desk_new_start.html", {"start": start}, status=status)
    module: Module = start.cleaned_data["module"]
    people = requester_candidates(user, module.institution_id)
    form = DeskReportForm(request.POST if posted else None, people=people)
    details = CategoryQuestionsForm(
        request.POST if posted else None,
        category=start.cleaned_data["category"],
        institution=module.institution,
        viewer=user,
    )
    kept, refused = kept_uploads(request, user, "screenshots") if posted else ([], [])
    if posted and all([form.is_valid(), details.is_valid()]):
        try:
            ticket = _open(user, start, form, details, kept)
        except ValidationFailed as exc:
            show_service_errors(exc, form, details, start)
        else:
            _tell_reference(request, ticket, refused)
            return redirect("web:desk-ticket", pk=ticket.pk)
    for problem in refused:
        form.add_error("screenshots", problem)
    context = {
        "start": start,
        "form": form,
        "details": details,
        "category": start.cleaned_data["category"],
        "kept": kept,
        "people": _shown(people, chosen.get("requester", "")),
        "chosen": chosen.get("requester", ""),
    }
    return render(
        request, "web/tickets/desk_new_details.html", context, status=422 if posted else 200
    )


def _shown(people: QuerySet[User], chosen: str) -> list[User]:
    """The first people of the institution, and the one already chosen among them."""
    shown = list(people[:SHOWN_PEOPLE])
    if chosen.isdigit() and all(person.pk != int(chosen) for person in shown):
        shown += list(people.filter(pk=int(chosen)))
    return shown


def _open(
    user: User,
    start: DeskStartForm,
    form: DeskReportForm,
    details: CategoryQuestionsForm,
    uploads: list[PendingUpload],
) -> Ticket:
    data: dict[str, Any] = form.cleaned_data
    module: Module = start.cleaned_data["module"]
    return open_ticket(
        actor=user,
        institution=module.institution,
        requester=data["requester"],
        module=module,
        category=start.cleaned_data["category"],
        title=data["title"],
        description=data["description"],
        action_attempted=data["action_attempted"],
        error_seen=data["error_seen"],
        affected_workflow=data["affected_workflow"],
        operational_impact=data["operational_impact"],
        urgency=data["urgency"],
        impact=data["impact"],
        channel=data["channel"],
        category_details=details.details(),
        uploads=uploads,
    )


def _tell_reference(request: HttpRequest, ticket: Ticket, refused: list[str]) -> None:
    messages.success(
        request,
        f"{ticket.reference} is opened for {ticket.requester.display_name}. "
        "Give them this reference to quote when they contact support.",
    )
    for problem in refused:
        messages.error(
            request,
            f"A file could not be added: {problem}. The ticket is opened without it; "
            "add the file on the ticket.",
        )


@workspace_view
def requester_search(request: HttpRequest) -> HttpResponse:
    """The people of the chosen module's institution whose name or email holds the words
    typed: the requester choices of the new-ticket page, refreshed as the agent types.
    Opened without HTMX it leads back to the new-ticket page."""
    if not is_htmx(request):
        return redirect("web:desk-new")
    user = signed_in_user(request)
    module_pk = request.GET.get("module", "")
    module = _modules(user).filter(pk=int(module_pk)).first() if module_pk.isdigit() else None
    text = request.GET.get("q", "")[:SEARCH_MAX]
    people = (
        []
        if module is None
        else list(requester_candidates(user, module.institution_id, text)[:SHOWN_PEOPLE])
    )
    context = {"people": people, "chosen": request.GET.get("requester", ""), "searched": text}
    return render(request, "web/tickets/_requester_choices.html", context)

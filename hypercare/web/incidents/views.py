"""The workspace's major incident pages: the list, declaring, one incident's page with
its children, suggestions, update and resolution, and attaching from a queue or a ticket.

Who may do what is ``access.can_handle_major_incident``; the services refuse the rest
all the same, and each refusal reads as the desk's usual error page.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, NotFound, ValidationFailed
from hypercare.incidents import selectors, services
from hypercare.incidents.models import MajorIncident
from hypercare.lib import clock
from hypercare.orgs.selectors import visible_institutions
from hypercare.problems.selectors import incident_problems
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import (
    get_visible_ticket,
    visible_tickets_among,
)
from hypercare.tickets.services.bulk import BulkOutcome
from hypercare.web.forms import ServiceErrors, named_ticket, show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.incidents.forms import (
    AttachTicketsForm,
    ChildForm,
    DeclareForm,
    IncidentUpdateForm,
    ResolutionForm,
    ResolveByForm,
)
from hypercare.web.pages import page_of, safe_next


def _handler(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not access.can_handle_major_incident(user):
        raise NotAllowed(services.HANDLERS_ONLY)
    return user


def _report(request: HttpRequest, outcome: BulkOutcome, done: str) -> None:
    if outcome.changed:
        count = len(outcome.changed)
        messages.success(request, f"{count} ticket{'s' if count != 1 else ''} {done}.")
    for ticket, reason in outcome.refused:
        messages.warning(request, f"{ticket.reference}: {reason}")


@workspace_view
def incident_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "page": page_of(request, selectors.visible_incidents(user)),
        "can_handle": access.can_handle_major_incident(user),
        "now": clock.now(),
    }
    return render(request, "web/incidents/list.html", context)


def _declared_from(request: HttpRequest, user: User) -> Ticket | None:
    ticket_pk = request.GET.get("ticket", "")
    if not ticket_pk:
        return None
    if not ticket_pk.isdigit():
        raise NotFound("No such ticket.")
    return get_visible_ticket(user, int(ticket_pk))


def _initial_from(ticket: Ticket | None) -> dict[str, Any]:
    if ticket is None:
        return {"started_at": timezone.localtime(clock.now()).replace(second=0, microsecond=0)}
    return {
        "title": ticket.title,
        "module_code": ticket.module.code,
        "impact": ticket.operational_impact,
        "institutions": [ticket.institution],
        "started_at": timezone.localtime(ticket.created_at).replace(second=0, microsecond=0),
    }


@workspace_view
def declare(request: HttpRequest) -> HttpResponse:
    """Declare a major incident, new or from a ticket (``?ticket=``), its first child."""
    user = _handler(request)
    ticket = _declared_from(request, user)
    posted = request.method == "POST"
    form = DeclareForm(
        request.POST if posted else None,
        institutions=visible_institutions(user),
        initial=_initial_from(ticket),
    )
    if posted and form.is_valid():
        try:
            incident = services.declare_major_incident(
                actor=user, declaration=form.declaration(), from_ticket=ticket
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, f"{incident.reference} declared.")
            return redirect("web:incident", pk=incident.pk)
    context = {"form": form, "ticket": ticket}
    return render(request, "web/incidents/declare.html", context, status=422 if posted else 200)


def _page(
    request: HttpRequest, incident: MajorIncident, status: int = 200, **forms: Any
) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "incident": incident,
        "institutions": selectors.affected_institutions(user, incident),
        "children": selectors.incident_children(user, incident),
        "suggestions": selectors.suggested_children(user, incident),
        "timeline": selectors.incident_timeline(user, incident),
        # Support staff only: institution users never see problems.
        "problems": incident_problems(user, incident),
        "can_handle": access.can_handle_major_incident(user) and incident.is_active,
        "now": clock.now(),
        "update_form": IncidentUpdateForm(),
        "resolution_form": ResolutionForm(),
        "resolve_by_form": ResolveByForm(),
        "child_form": ChildForm(),
        **forms,
    }
    return render(request, "web/incidents/incident.html", context, status=status)


@workspace_view
def incident_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.get_visible_incident(signed_in_user(request), pk))


@workspace_view
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach one ticket by its reference (typed, or a suggestion's one click)."""
    user = _handler(request)
    incident = selectors.get_visible_incident(user, pk)
    form = ChildForm(request.POST)
    if form.is_valid():
        try:
            ticket = named_ticket(user, form, "ticket")
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            services.attach_child(incident=incident, ticket=ticket, actor=user)
            messages.success(request, f"{ticket.reference} attached.")
            return redirect("web:incident", pk=incident.pk)
    return _page(request, incident, status=422, child_form=form)


@workspace_view
@require_POST
def detach(request: HttpRequest, pk: int) -> HttpResponse:
    user = _handler(request)
    incident = selectors.get_visible_incident(user, pk)
    ticket_pk = request.POST.get("ticket", "")
    if not ticket_pk.isdigit():
        raise NotFound("No such ticket.")
    ticket = get_visible_ticket(user, int(ticket_pk))
    services.detach_child(incident=incident, ticket=ticket, actor=user)
    messages.success(request, f"{ticket.reference} detached.")
    return redirect("web:incident", pk=incident.pk)


# A step taken with a form on the incident's page: the user, the incident, the answers.
Step = Callable[[User, MajorIncident, dict[str, Any]], None]


def _take_step(
    request: HttpRequest, pk: int, form: ServiceErrors, form_name: str, step: Step
) -> HttpResponse:
    """Take ``step`` with the answers of ``form``: done, back to the incident's page;
    refused, the page again with each complaint on its field."""
    user = _handler(request)
    incident = selectors.get_visible_incident(user, pk)
    if form.is_valid():
        try:
            step(user, incident, form.cleaned_data)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            return redirect("web:incident", pk=incident.pk)
    return _page(request, incident, status=422, **{form_name: form})


@workspace_view
@require_POST
def post_update(request: HttpRequest, pk: int) -> HttpResponse:
    def step(user: User, incident: MajorIncident, answers: dict[str, Any]) -> None:
        services.post_incident_update(incident=incident, actor=user, body=answers["body"])
        messages.success(request, "Update posted to everyone affected.")

    return _take_step(request, pk, IncidentUpdateForm(request.POST), "update_form", step)


@workspace_view
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    def step(user: User, incident: MajorIncident, answers: dict[str, Any]) -> None:
        outcome = services.resolve_major_incident(
            incident=incident, actor=user, resolution=answers["resolution"]
        )
        messages.success(request, f"{incident.reference} resolved.")
        _report(request, outcome, "resolved")

    return _take_step(request, pk, ResolutionForm(request.POST), "resolution_form", step)


@workspace_view
@require_POST
def change_resolve_by(request: HttpRequest, pk: int) -> HttpResponse:
    def step(user: User, incident: MajorIncident, answers: dict[str, Any]) -> None:
        services.change_resolve_by(
            incident=incident,
            actor=user,
            resolve_by=answers["resolve_by"],
            reason=answers["reason"],
        )
        messages.success(request, "Resolution target moved.")

    return _take_step(request, pk, ResolveByForm(request.POST), "resolve_by_form", step)


@workspace_view
@require_POST
def attach_tickets(request: HttpRequest) -> HttpResponse:
    """The tickets ticked in a queue, or the one of a ticket page, to an active incident;
    each is attached on its own and each refusal said."""
    user = _handler(request)
    back = safe_next(request, request.POST.get("next")) or reverse("web:desk")
    form = AttachTicketsForm(request.POST, incidents=selectors.active_incidents(user))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    incident = form.cleaned_data["incident"]
    tickets = visible_tickets_among(user, form.cleaned_data["ticket"])
    outcome = services.attach_children(incident=incident, tickets=tickets, actor=user)
    _report(request, outcome, f"attached to {incident.reference}")
    return redirect(back)

"""Each escalation step's form on the desk, the portal's request, and the daily review.

Which steps are open, and in what order, is the escalations domain's rule
(``escalations.selectors.next_steps``); this module only knows, for each step, its form
and the service it calls.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from hypercare.accounts.models import User
from hypercare.accounts.selectors import PEOPLE_ORDER
from hypercare.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from hypercare.escalations.choices import EscalationStep
from hypercare.escalations.models import Escalation
from hypercare.escalations.selectors import (
    escalation_managers,
    escalation_review,
    next_steps,
    open_escalation,
)
from hypercare.escalations.services import handling, intake
from hypercare.incidents.selectors import incident_review
from hypercare.lib import clock
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import get_visible_ticket
from hypercare.web.escalations.forms import (
    ActionPlanForm,
    CommunicationPlanForm,
    DeEscalationForm,
    EscalationRequestForm,
    LevelForm,
    ManagerForm,
    UpdateForm,
)
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import portal_view, signed_in_user, workspace_view

FormFactory = Callable[[Ticket, Escalation | None, Any], forms.Form]
Apply = Callable[[User, Ticket, Escalation | None, Any], Escalation]


@dataclass(frozen=True)
class Step:
    """One step of the process on the desk: its form, its service call, what to say after."""

    form: FormFactory
    apply: Apply
    done: str


def _open(escalation: Escalation | None) -> Escalation:
    if escalation is None:
        raise InvalidTransition("This ticket is not escalated.")
    return escalation


def _request_form(ticket: Ticket, escalation: Escalation | None, data: Any) -> forms.Form:
    return EscalationRequestForm(data, initial={"business_impact": ticket.operational_impact})


def _request(user: User, ticket: Ticket, escalation: Escalation | None, form: Any) -> Escalation:
    return intake.request_escalation(
        ticket=ticket,
        actor=user,
        reason=form.cleaned_data["reason"],
        details=form.cleaned_data["details"],
        checklist=form.checklist(),
    )


def _manager_form(ticket: Ticket, escalation: Escalation | None, data: Any) -> forms.Form:
    manager = escalation.manager if escalation else None
    managers = escalation_managers().order_by(*PEOPLE_ORDER)
    return ManagerForm(data, managers=managers, initial={"manager": manager})


def _manager(user: User, ticket: Ticket, escalation: Escalation | None, form: Any) -> Escalation:
    return handling.assign_escalation_manager(
        escalation=_open(escalation),
        actor=user,
        manager=form.cleaned_data["manager"],
        reason=form.cleaned_data["reason"],
    )


def _plan_form(ticket: Ticket, escalation: Escalation | None, data: Any) -> forms.Form:
    return ActionPlanForm(
        data, initial={"action_plan": escalation.action_plan if escalation else ""}
    )


def _plan(user: User, ticket: Ticket, escalation: Escalation | None, form: Any) -> Escalation:
    return handling.record_action_plan(
        escalation=_open(escalation), actor=user, action_plan=form.cleaned_data["action_plan"]
    )


def _communication_form(ticket: Ticket, escalation: Escalation | None, data: Any) -> forms.Form:
    initial = {}
    if escalation is not None and escalation.communication_mode:
        initial = {
            "mode": escalation.communication_mode,
            "update_every_hours": escalation.update_every_hours,
            "attendees": escalation.attendees,
        }
    return CommunicationPlanForm(data, initial=initial)


def _communication(
    user: User, ticket: Ticket, escalation: Escalation | None, form: Any
) -> Escalation:
    return handling.record_communication_plan(
        escalation=_open(escalation),
        actor=user,
        mode=form.cleaned_data["mode"],
        update_every_hours=form.cleaned_data["update_every_hours"],
        attendees=form.cleaned_data["attendees"],
    )


def _update_form(ticket: Ticket, escalation: Escalation | None, data: Any) -> forms.Form:
    return UpdateForm(data)


def _update(user: User, ticket: Ticket, escalation: Escalation | None, form: Any) -> Escalation:
    return handling.post_escalation_update(
        escalation=_open(escalation), actor=user, body=form.cleaned_data["body"]
    )


def _level_form(ticket: Ticket, escalation: Escalation | None, data: Any) -> forms.Form:
    return LevelForm(data, above=escalation.level if escalation else 0)


def _level(user: User, ticket: Ticket, escalation: Escalation | None, form: Any) -> Escalation:
    return handling.raise_escalation_level(
        escalation=_open(escalation),
        actor=user,
        level=form.cleaned_data["level"],
        reason=form.cleaned_data["reason"],
    )


def _de_escalation_form(ticket: Ticket, escalation: Escalation | None, data: Any) -> forms.Form:
    initial = {
        "agreed_by": ticket.requester.display_name,
        "agreed_at": timezone.localtime(clock.now()).replace(second=0, microsecond=0),
    }
    return DeEscalationForm(data, initial=initial)


def _de_escalate(
    user: User, ticket: Ticket, escalation: Escalation | None, form: Any
) -> Escalation:
    return handling.de_escalate(
        escalation=_open(escalation), actor=user, checklist=form.checklist()
    )


STEPS: dict[str, Step] = {
    EscalationStep.REQUEST: Step(_request_form, _request, "The ticket is escalated."),
    EscalationStep.MANAGER: Step(_manager_form, _manager, "Escalation manager named."),
    EscalationStep.ACTION_PLAN: Step(_plan_form, _plan, "Action plan recorded."),
    EscalationStep.COMMUNICATION_PLAN: Step(
        _communication_form, _communication, "Communication plan agreed."
    ),
    EscalationStep.UPDATE: Step(_update_form, _update, "Update posted to the requester."),
    EscalationStep.LEVEL: Step(_level_form, _level, "Escalation level raised."),
    EscalationStep.DE_ESCALATION: Step(
        _de_escalation_form, _de_escalate, "De-escalated: back to normal handling."
    ),
}


@workspace_view
def escalation_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step's form on its own page; posted from the panel, shown again with errors."""
    if step not in STEPS:
        raise NotFound("An escalation has no such step.")
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    escalation = open_escalation(user, ticket)
    spec = STEPS[step]
    posted = request.method == "POST"
    if not posted and step not in next_steps(user, ticket, escalation):
        raise NotAllowed("This step is not open to you on this ticket now.")
    form = spec.form(ticket, escalation, request.POST if posted else None)
    if posted and form.is_valid():
        try:
            spec.apply(user, ticket, escalation, form)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, spec.done)
            return redirect(reverse("web:desk-ticket", args=[ticket.pk]) + "#escalation-panel")
    context = {
        "ticket": ticket,
        "escalation": escalation,
        "step": step,
        "title": EscalationStep(step).label,
        "spec": spec,
        "form": form,
    }
    return render(request, "web/escalations/step.html", context, status=422 if posted else 200)


@workspace_view
def daily_review(request: HttpRequest) -> HttpResponse:
    """Every active major incident, then every open escalation with its status, updates,
    age and plan: reviewed daily."""
    user = signed_in_user(request)
    mine = request.GET.get("manager") == "me"
    review = escalation_review(user, managed_by=user if mine else None)
    now = clock.now()
    incidents = incident_review(user, now)
    context = {"review": review, "mine": mine, "now": now, "incidents": incidents}
    return render(request, "web/escalations/daily_review.html", context)


@portal_view
def portal_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The requester's escalation request, after the review checklist."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    if open_escalation(user, ticket) is not None:
        messages.info(request, f"{ticket.reference} is already escalated.")
        return redirect("web:portal-ticket", pk=ticket.pk)
    if EscalationStep.REQUEST not in next_steps(user, ticket, None):
        raise NotAllowed("You may not escalate this ticket.")
    posted = request.method == "POST"
    form = _request_form(ticket, None, request.POST if posted else None)
    if posted and form.is_valid():
        try:
            _request(user, ticket, None, form)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(
                request,
                f"{ticket.reference} is escalated. An escalation manager will be your "
                "primary contact; the time of the next update is shown below.",
            )
            return redirect("web:portal-ticket", pk=ticket.pk)
    context = {"ticket": ticket, "form": form}
    return render(request, "web/escalations/request.html", context, status=422 if posted else 200)

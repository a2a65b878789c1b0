"""The exit gates' thresholds on the desk: the default set, and an institution's own set
that replaces it. Support staff read them; a support manager changes them (the gates
service refuses anyone else)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.errors import ValidationFailed
from hypercare.handover import gate_settings, selectors
from hypercare.handover.choices import GateKind
from hypercare.orgs.models import Institution
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.handover.forms import ExitGatesForm

TEMPLATE = "web/handover/gates.html"


def _labelled(gates: dict[str, int]) -> list[tuple[str, int]]:
    return [(GateKind(kind).label, threshold) for kind, threshold in sorted(gates.items())]


def _render(
    request: HttpRequest, institution: Institution | None, form: ExitGatesForm | None
) -> HttpResponse:
    user = signed_in_user(request)
    if institution is None:
        gates = gate_settings.default_gates(user)
        context: dict[str, Any] = {"own": False, "defaults": None}
    else:
        held = gate_settings.gate_set(institution)
        gates = held.gates
        context = {"own": held.own, "defaults": _labelled(held.defaults)}
    editable = access.can_change_exit_gates(user)
    context |= {
        "institution": institution,
        "gates": _labelled(gates),
        "form": (form or ExitGatesForm(initial=ExitGatesForm.initial_of(gates)))
        if editable
        else None,
        "history": [
            (event, _labelled(event.before), _labelled(event.after))
            for event in gate_settings.gate_history(institution)
        ],
    }
    status = 200 if form is None else 422
    return render(request, TEMPLATE, context, status=status)


def _save(request: HttpRequest, institution: Institution | None) -> HttpResponse:
    """The set posted, saved; refused, the page again with the complaints on the form."""
    form = ExitGatesForm(request.POST)
    if form.is_valid():
        try:
            gate_settings.set_exit_gates(
                institution=institution, gates=form.gates(), actor=signed_in_user(request)
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Exit gates saved.")
            if institution is None:
                return redirect("web:exit-gates-default")
            return redirect("web:exit-gates", institution.pk)
    return _render(request, institution, form)


@workspace_view
def default_gates(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _save(request, None)
    return _render(request, None, None)


@workspace_view
def institution_gates(request: HttpRequest, institution_pk: int) -> HttpResponse:
    institution = selectors.get_handover_institution(signed_in_user(request), institution_pk)
    if request.method == "POST":
        return _save(request, institution)
    return _render(request, institution, None)


@workspace_view
@require_POST
def back_to_defaults(request: HttpRequest, institution_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    institution = selectors.get_handover_institution(user, institution_pk)
    gate_settings.set_exit_gates(institution=institution, gates=None, actor=user)
    messages.success(request, f"{institution} is held to the default gates.")
    return redirect("web:exit-gates", institution.pk)

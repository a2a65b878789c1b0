"""The hypercare exit scorecard: on the workspace for support staff, where a support
manager moves the institution to steady state; in the portal for the institution's
admins and key users. ``access.handover_scope`` decides who reads which."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.errors import InvalidTransition
from hypercare.handover import selectors, steady_state
from hypercare.handover.choices import GateKind
from hypercare.orgs.choices import Phase
from hypercare.orgs.models import Institution
from hypercare.web.guards import portal_view, signed_in_user, workspace_view
from hypercare.web.handover.forms import SteadyStateForm

TEMPLATE = "web/handover/scorecard.html"


def _gates(institution: Institution, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **line,
            "label": GateKind(line["kind"]).label,
            "tickets_url": selectors.tickets_behind(line["kind"], institution.pk),
        }
        for line in lines
    ]


def _context(
    request: HttpRequest, institution_pk: int, form: SteadyStateForm | None
) -> dict[str, Any]:
    user = signed_in_user(request)
    institution = selectors.get_handover_institution(user, institution_pk)
    now = [result.as_line() for result in selectors.live_scorecard(institution)]
    movable = institution.phase == Phase.HYPERCARE and access.can_move_institution_phase(user)
    return {
        "institution": institution,
        "now": _gates(institution, now),
        "all_met": all(line["met"] for line in now),
        "history": [
            (card, _gates(institution, card.lines))
            for card in selectors.scorecard_history(institution)[:30]
        ],
        "changes": [
            (change, _gates(institution, change.lines))
            for change in selectors.phase_changes(institution)
        ],
        "form": (form or SteadyStateForm()) if movable else None,
        "desk": access.is_agent(user),
    }


@workspace_view
def scorecard(request: HttpRequest, institution_pk: int) -> HttpResponse:
    return render(request, TEMPLATE, _context(request, institution_pk, None))


@portal_view
def portal_scorecard(request: HttpRequest, institution_pk: int) -> HttpResponse:
    return render(request, TEMPLATE, _context(request, institution_pk, None))


@workspace_view
@require_POST
def move(request: HttpRequest, institution_pk: int) -> HttpResponse:
    """Move to steady state; refused gates show on the form, with the reason asked for."""
    user = signed_in_user(request)
    institution = selectors.get_handover_institution(user, institution_pk)
    form = SteadyStateForm(request.POST)
    if form.is_valid():
        try:
            steady_state.move_to_steady_state(
                institution=institution,
                actor=user,
                override_reason=form.cleaned_data["override_reason"],
                sla_policy=form.cleaned_data["sla_policy"],
            )
        except InvalidTransition as exc:
            if institution.phase != Phase.HYPERCARE:
                raise
            form.add_error("override_reason", exc.message)
        else:
            messages.success(request, f"{institution} is in steady state.")
            return redirect("web:exit-scorecard", institution.pk)
    context = _context(request, institution_pk, form)
    return render(request, TEMPLATE, context, status=409)

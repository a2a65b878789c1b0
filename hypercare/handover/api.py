"""Handover endpoints: read an institution's record and its versions, save it, sign it
off; thin adapters over the services, every institution read through the scope."""

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from ninja import Router

from hypercare.api.common import DbId, actor, errors
from hypercare.errors import ValidationFailed
from hypercare.handover import gate_settings, selectors, services, steady_state
from hypercare.handover.choices import GateKind
from hypercare.handover.content import HandoverText, gaps
from hypercare.handover.models import ExitGateEvent, HandoverVersion, PhaseChange, Scorecard
from hypercare.handover.schemas import (
    DefaultExitGatesIn,
    DefaultExitGatesOut,
    ExitGatesIn,
    ExitGatesOut,
    ExitScorecardOut,
    HandoverIn,
    HandoverOut,
    PhaseChangeOut,
    PhaseIn,
    SignOffIn,
)
from hypercare.handover.selectors import Handover
from hypercare.lib import clock
from hypercare.orgs.models import Institution
from hypercare.sla.models import SlaPolicy

router = Router(tags=["handover"])
NO_INSTITUTION = selectors.NO_INSTITUTION
SIGN_REFUSED = " ".join(services.SIGN_REFUSED.values())
SIGN_CONFLICT = f"{services.NOTHING_TO_SIGN} {services.STALE} Or: {services.ALREADY_SIGNED.lower()}"


def _institution(request: HttpRequest, institution_id: int) -> Institution:
    return selectors.get_handover_institution(actor(request), institution_id)


def _signed(by: object, at: object) -> dict[str, object] | None:
    return None if at is None else {"by": by, "at": at}


def _out(handover: Handover) -> dict[str, object]:
    version = handover.version
    return {
        "institution_id": handover.institution.pk,
        "version": handover.number,
        "saved_by": version.saved_by if version else None,
        "saved_at": version.saved_at if version else None,
        "institution_sign_off": _signed(
            version.institution_signed_by, version.institution_signed_at
        )
        if version
        else None,
        "desk_sign_off": _signed(version.desk_signed_by, version.desk_signed_at)
        if version
        else None,
        "signed": bool(version and version.is_signed),
        "gaps": gaps(handover.content),
        "content": handover.content,
    }


def _version_out(institution: Institution, version: HandoverVersion) -> dict[str, object]:
    return _out(Handover(institution, version, version.content))


@router.get(
    "/institutions/{institution_id}/handover",
    response={200: HandoverOut, **errors(401, 422, not_found=NO_INSTITUTION)},
)
def get_handover(request: HttpRequest, institution_id: DbId) -> dict[str, object]:
    """The current version, or before the first save the desk's records as they are."""
    return _out(selectors.current_handover(_institution(request, institution_id)))


@router.put(
    "/institutions/{institution_id}/handover",
    response={
        200: HandoverOut,
        **errors(
            401,
            422,
            not_found=NO_INSTITUTION,
            forbidden=services.EDIT_REFUSED,
            conflict=services.STALE,
        ),
    },
)
def save_handover(
    request: HttpRequest, institution_id: DbId, payload: HandoverIn
) -> dict[str, object]:
    """Save a new version: the desk's records as they are now, with this text. Any
    sign-off of the version before stays with it; the new one is unsigned."""
    institution = _institution(request, institution_id)
    version = services.save_handover(
        institution=institution,
        actor=actor(request),
        text=HandoverText(
            backup_what=payload.backup_what,
            backup_frequency=payload.backup_frequency,
            restore_time=payload.restore_time,
            open_risks=payload.open_risks,
            notes=payload.notes,
        ),
        read_version=payload.read_version,
    )
    return _version_out(institution, version)


@router.post(
    "/institutions/{institution_id}/handover/sign-off",
    response={
        200: HandoverOut,
        **errors(
            401, 422, not_found=NO_INSTITUTION, forbidden=SIGN_REFUSED, conflict=SIGN_CONFLICT
        ),
    },
)
def sign_off(request: HttpRequest, institution_id: DbId, payload: SignOffIn) -> dict[str, object]:
    """Sign the current version for the institution (its admin) or the desk (a support
    manager)."""
    institution = _institution(request, institution_id)
    version = services.sign_handover(
        institution=institution, actor=actor(request), side=payload.side, version=payload.version
    )
    return _version_out(institution, version)


@router.get(
    "/institutions/{institution_id}/handover/versions",
    response={200: list[HandoverOut], **errors(401, 422, not_found=NO_INSTITUTION)},
)
def list_versions(request: HttpRequest, institution_id: DbId) -> list[dict[str, object]]:
    """Every saved version, newest first, each with the sign-offs it was given."""
    institution = _institution(request, institution_id)
    return [_version_out(institution, found) for found in selectors.handover_versions(institution)]


def _gates(institution: Institution, lines: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **line,
            "label": GateKind(line["kind"]).label,
            "tickets_url": selectors.tickets_behind(line["kind"], institution.pk),
        }
        for line in lines
    ]


def _day(institution: Institution, card: Scorecard) -> dict[str, Any]:
    return {
        "day": card.day,
        "computed_at": card.computed_at,
        "all_met": card.all_met,
        "gates": _gates(institution, card.lines),
    }


def _change(institution: Institution, change: PhaseChange) -> dict[str, Any]:
    return {
        "from_phase": change.from_phase,
        "to_phase": change.to_phase,
        "actor": change.actor,
        "changed_at": change.changed_at,
        "all_met": change.all_met,
        "override_reason": change.override_reason,
        "sla_policy_taken": change.sla_policy_taken,
        "gates": _gates(institution, change.lines),
    }


@router.get(
    "/institutions/{institution_id}/exit-scorecard",
    response={200: ExitScorecardOut, **errors(401, 422, not_found=NO_INSTITUTION)},
)
def get_exit_scorecard(request: HttpRequest, institution_id: DbId) -> dict[str, Any]:
    """The exit gates now, the daily scorecards and the moves out of hypercare."""
    institution = _institution(request, institution_id)
    now = selectors.live_scorecard(institution)
    return {
        "institution_id": institution.pk,
        "phase": institution.phase,
        "now": {
            "day": clock.now().date(),
            "computed_at": clock.now(),
            "all_met": all(result.met for result in now),
            "gates": _gates(institution, [result.as_line() for result in now]),
        },
        "history": [_day(institution, card) for card in selectors.scorecard_history(institution)],
        "phase_changes": [
            _change(institution, change) for change in selectors.phase_changes(institution)
        ],
    }


@router.post(
    "/institutions/{institution_id}/phase",
    response={
        200: PhaseChangeOut,
        **errors(
            401,
            422,
            not_found=NO_INSTITUTION,
            forbidden=steady_state.MOVE_REFUSED,
            conflict=f"{steady_state.ALREADY_STEADY} Or: not every exit gate is met and no "
            "override reason was given.",
        ),
    },
)
def move_phase(request: HttpRequest, institution_id: DbId, payload: PhaseIn) -> dict[str, Any]:
    """Move the institution to steady state, with its gates as they stand now."""
    institution = _institution(request, institution_id)
    policy = None
    if payload.sla_policy_id is not None:
        policy = SlaPolicy.objects.filter(pk=payload.sla_policy_id).first()
        if policy is None:
            raise ValidationFailed({"sla_policy_id": "no such SLA policy"})
    change = steady_state.move_to_steady_state(
        institution=institution,
        actor=actor(request),
        override_reason=payload.override_reason,
        sla_policy=policy,
    )
    return _change(institution, change)


def _thresholds(gates: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "kind": kind,
            "label": GateKind(kind).label,
            "threshold": threshold,
            "minimum": gate_settings.THRESHOLD_RANGES[kind][0],
            "maximum": gate_settings.THRESHOLD_RANGES[kind][1],
        }
        for kind, threshold in sorted(gates.items())
    ]


def _history(events: Iterable[ExitGateEvent]) -> list[dict[str, Any]]:
    return [
        {
            "kind": event.kind,
            "actor": event.actor,
            "at": event.created_at,
            "before": event.before,
            "after": event.after,
        }
        for event in events
    ]


def _exit_gates(institution: Institution) -> dict[str, Any]:
    held = gate_settings.gate_set(institution)
    return {
        "institution_id": institution.pk,
        "own": held.own,
        "gates": _thresholds(held.gates),
        "defaults": _thresholds(held.defaults),
        "history": _history(gate_settings.gate_history(institution)),
    }


@router.get(
    "/institutions/{institution_id}/exit-gates",
    response={200: ExitGatesOut, **errors(401, 422, not_found=NO_INSTITUTION)},
)
def get_exit_gates(request: HttpRequest, institution_id: DbId) -> dict[str, Any]:
    """The gates the institution is held to (its own, else the defaults), with the
    changes to its own set."""
    return _exit_gates(_institution(request, institution_id))


@router.put(
    "/institutions/{institution_id}/exit-gates",
    response={
        200: ExitGatesOut,
        **errors(401, 422, not_found=NO_INSTITUTION, forbidden=gate_settings.CHANGE_REFUSED),
    },
)
def put_exit_gates(
    request: HttpRequest, institution_id: DbId, payload: ExitGatesIn
) -> dict[str, Any]:
    """Hold the institution to exactly these gates, or (null) to the default set. A
    threshold outside its kind's range is refused on `gates.<kind>`."""
    institution = _institution(request, institution_id)
    gate_settings.set_exit_gates(institution=institution, gates=payload.gates, actor=actor(request))
    return _exit_gates(institution)


def _default_gates(request: HttpRequest) -> dict[str, Any]:
    return {
        "gates": _thresholds(gate_settings.default_gates(actor(request))),
        "history": _history(gate_settings.gate_history(None)),
    }


@router.get(
    "/exit-gates/default",
    response={200: DefaultExitGatesOut, **errors(401, forbidden=gate_settings.DEFAULTS_REFUSED)},
)
def get_default_exit_gates(request: HttpRequest) -> dict[str, Any]:
    """The default set: the gates of every institution without gates of its own."""
    return _default_gates(request)


@router.put(
    "/exit-gates/default",
    response={
        200: DefaultExitGatesOut,
        **errors(401, 422, forbidden=gate_settings.CHANGE_REFUSED),
    },
)
def put_default_exit_gates(request: HttpRequest, payload: DefaultExitGatesIn) -> dict[str, Any]:
    """Replace the default set; a kind left out is dropped from it."""
    gate_settings.set_exit_gates(institution=None, gates=payload.gates, actor=actor(request))
    return _default_gates(request)

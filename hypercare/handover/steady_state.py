"""Write use cases of leaving hypercare: the daily scorecard of each institution still in
hypercare, and a support manager moving an institution to steady state."""

from datetime import datetime

from django.db import IntegrityError, transaction

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition
from hypercare.handover.choices import GateKind
from hypercare.handover.gates import evaluate
from hypercare.handover.models import PhaseChange, Scorecard
from hypercare.lib import clock
from hypercare.lib.transactions import composed, use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.choices import Phase
from hypercare.orgs.models import Institution
from hypercare.orgs.selectors import desk_day
from hypercare.sla.clocks import Target
from hypercare.sla.models import SlaPolicy
from hypercare.sla.policies import PolicySettings, create_policy, update_policy
from hypercare.tickets.services.common import require

MOVE_REFUSED = "Only a support manager moves an institution out of hypercare."
ALREADY_STEADY = "The institution is already in steady state."
REASON_MAX = 2000


def gates_not_met(names: list[str]) -> str:
    return (
        "Not every exit gate is met ("
        + ", ".join(names)
        + "): give a reason to move the institution anyway."
    )


def record_scorecards(*, now: datetime | None = None) -> dict[str, int]:
    """Today's scorecard of every institution in hypercare, once a day each.

    Runs often; the first run of the day for an institution claims the day by inserting
    its unique row, and every later run (or another worker) finds it taken.
    """
    at = now or clock.now()
    day = desk_day(at)
    done = Scorecard.objects.filter(day=day).values("institution_id")
    recorded = 0
    for institution in Institution.objects.filter(phase=Phase.HYPERCARE).exclude(pk__in=done):
        results = evaluate(institution, at)
        with use_case():
            try:
                with transaction.atomic():
                    Scorecard.objects.create(
                        institution=institution,
                        day=day,
                        computed_at=at,
                        all_met=all(result.met for result in results),
                        lines=[result.as_line() for result in results],
                    )
            except IntegrityError:
                continue
        recorded += 1
    return {"scorecards": recorded}


def move_to_steady_state(
    *,
    institution: Institution,
    actor: User,
    override_reason: str = "",
    sla_policy: SlaPolicy | None = None,
) -> PhaseChange:
    """Move the institution to steady state, recording its gates at this moment.

    Refused while a gate is unmet, unless the manager gives the reason to go anyway; the
    reason is kept with the scorecard it overrode. With ``sla_policy``, the institution's
    own policy takes that policy's targets and calendar (made if it has none), in the
    same transaction, and its open tickets are re-planned under it.
    """
    require(access.can_move_institution_phase(actor), MOVE_REFUSED)
    errors = FieldErrors()
    reason = errors.text("override_reason", override_reason, REASON_MAX, required=False)
    errors.check()
    with composed():
        change = _move(institution_pk=institution.pk, actor=actor, reason=reason)
        if sla_policy is not None:
            change.sla_policy_taken = _take_policy(institution, actor, sla_policy)
            change.save(update_fields=["sla_policy_taken"])
    return change


def _take_policy(institution: Institution, actor: User, chosen: SlaPolicy) -> str:
    """The institution's own policy becomes a copy of ``chosen``'s settings; its name."""
    own = SlaPolicy.objects.filter(institution=institution).first()
    if own is not None and own.pk == chosen.pk:
        return own.name
    settings = PolicySettings(
        name=own.name if own is not None else f"{institution.name} · {chosen.name}"[:100],
        institution=institution,
        calendar=chosen.calendar,
        pause_on_third_party=chosen.pause_on_third_party,
        warning_percent=chosen.warning_percent,
        bump_priority_on_breach=chosen.bump_priority_on_breach,
        bump_tier_on_breach=chosen.bump_tier_on_breach,
        targets={
            target.priority: Target(
                target.first_response_minutes, target.resolution_minutes, target.business_hours
            )
            for target in chosen.targets.all()
        },
    )
    if own is None:
        create_policy(actor=actor, settings=settings)
    else:
        update_policy(actor=actor, policy=own, settings=settings)
    return chosen.name


def _move(*, institution_pk: int, actor: User, reason: str) -> PhaseChange:
    with use_case():
        locked = Institution.objects.select_for_update().get(pk=institution_pk)
        if locked.phase == Phase.STEADY_STATE:
            raise InvalidTransition(ALREADY_STEADY)
        at = clock.now()
        results = evaluate(locked, at)
        unmet = [GateKind(result.kind).label for result in results if not result.met]
        if unmet and not reason:
            raise InvalidTransition(gates_not_met(unmet))
        change = PhaseChange.objects.create(
            institution=locked,
            from_phase=locked.phase,
            to_phase=Phase.STEADY_STATE,
            actor=actor,
            changed_at=at,
            lines=[result.as_line() for result in results],
            all_met=not unmet,
            override_reason=reason,
        )
        locked.phase = Phase.STEADY_STATE
        locked.save(update_fields=["phase"])
    return change

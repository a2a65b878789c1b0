from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed
from hypercare.handover.choices import GateKind, Side
from hypercare.handover.content import HandoverText
from hypercare.handover.gates import evaluate
from hypercare.handover.models import ExitGate, PhaseChange, Scorecard
from hypercare.handover.services import save_handover, sign_handover
from hypercare.handover.steady_state import move_to_steady_state, record_scorecards
from hypercare.orgs.choices import Phase
from hypercare.orgs.models import Institution
from hypercare.sla.choices import ClockState
from hypercare.sla.clocks import Target
from hypercare.sla.models import SlaPolicy
from hypercare.sla.policies import PolicySettings, create_policy
from hypercare.tickets.choices import Level, Priority
from hypercare.tickets.models import Ticket
from tests import factories

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER)


def _figures(institution: Institution) -> dict[str, tuple[int, bool]]:
    return {result.kind: (result.figure, result.met) for result in evaluate(institution, NOW)}


def _sign(institution: Institution, manager: User) -> None:
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=institution)
    User.objects.filter(pk=admin.pk).update(last_login=NOW - timedelta(days=1))
    save_handover(institution=institution, actor=manager, text=HandoverText(), read_version=0)
    sign_handover(institution=institution, actor=admin, side=Side.INSTITUTION, version=1)
    sign_handover(institution=institution, actor=manager, side=Side.DESK, version=1)


@time_machine.travel(NOW, tick=False)
def test_each_gate_is_figured_from_live_data(
    institution: Institution, requester: User, manager: User
) -> None:
    critical = factories.ticket(requester, urgency=Level.HIGH, impact=Level.HIGH)
    factories.ticket(requester)
    Ticket.objects.filter(pk=critical.pk).update(
        first_response_state=ClockState.BREACHED, resolution_state=ClockState.MET
    )
    found = _figures(institution)
    assert found[GateKind.NO_CRITICAL_TICKETS] == (1, False)
    assert found[GateKind.SLA_ATTAINMENT] == (50, False)
    assert found[GateKind.BACKLOG] == (2, True)
    assert found[GateKind.NO_OPEN_ESCALATION] == (0, True)
    assert found[GateKind.HANDOVER_SIGNED] == (0, False)
    assert found[GateKind.ACTIVE_USERS] == (0, False)


@time_machine.travel(NOW, tick=False)
def test_an_institutions_own_gates_replace_the_default_set(
    institution: Institution, requester: User
) -> None:
    ExitGate.objects.create(institution=institution, kind=GateKind.BACKLOG, threshold=0)
    factories.ticket(requester)
    assert _figures(institution) == {GateKind.BACKLOG: (1, False)}


def test_a_scorecard_is_recorded_once_a_day_for_institutions_in_hypercare(
    institution: Institution, other_institution: Institution
) -> None:
    Institution.objects.filter(pk=other_institution.pk).update(phase=Phase.STEADY_STATE)
    with time_machine.travel(NOW, tick=False):
        assert record_scorecards() == {"scorecards": 1}
        assert record_scorecards() == {"scorecards": 0}
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert record_scorecards() == {"scorecards": 1}
    cards = Scorecard.objects.filter(institution=institution)
    assert cards.count() == 2
    assert {line["kind"] for line in cards.first().lines} == set(GateKind.values)  # type: ignore[union-attr]


@time_machine.travel(NOW, tick=False)
def test_moving_to_steady_state_needs_every_gate_or_a_reason(
    institution: Institution, manager: User
) -> None:
    with pytest.raises(InvalidTransition) as refused:
        move_to_steady_state(institution=institution, actor=manager)
    assert "Handover record signed" in refused.value.message
    change = move_to_steady_state(
        institution=institution, actor=manager, override_reason="Contract ends Friday."
    )
    assert (change.all_met, change.override_reason) == (False, "Contract ends Friday.")
    institution.refresh_from_db()
    assert institution.phase == Phase.STEADY_STATE
    with pytest.raises(InvalidTransition):
        move_to_steady_state(institution=institution, actor=manager, override_reason="Again")


@time_machine.travel(NOW, tick=False)
def test_with_every_gate_met_the_move_needs_no_reason(
    institution: Institution, manager: User
) -> None:
    _sign(institution, manager)
    change = move_to_steady_state(institution=institution, actor=manager)
    assert change.all_met
    assert all(line["met"] for line in PhaseChange.objects.get().lines)


def test_only_a_support_manager_moves_an_institution(
    institution: Institution, agent: User, key_user: User
) -> None:
    for person in (agent, key_user):
        with pytest.raises(NotAllowed):
            move_to_steady_state(institution=institution, actor=person, override_reason="x")


@time_machine.travel(NOW, tick=False)
def test_the_move_can_give_the_institution_another_policys_targets(
    institution: Institution, manager: User
) -> None:
    chosen = create_policy(
        actor=manager,
        settings=PolicySettings(
            name="Steady state",
            institution=factories.institution(),
            targets={Priority.CRITICAL: Target(60, 480, business_hours=False)},
        ),
    )
    change = move_to_steady_state(
        institution=institution, actor=manager, override_reason="Agreed.", sla_policy=chosen
    )
    assert change.sla_policy_taken == "Steady state"
    own = SlaPolicy.objects.get(institution=institution)
    targets = list(own.targets.values_list("priority", "first_response_minutes"))
    assert targets == [(Priority.CRITICAL, 60)]


@time_machine.travel(NOW, tick=False)
def test_a_refused_move_changes_no_policy(institution: Institution, manager: User) -> None:
    chosen = create_policy(
        actor=manager,
        settings=PolicySettings(name="Steady state", institution=factories.institution()),
    )
    with pytest.raises(InvalidTransition):
        move_to_steady_state(institution=institution, actor=manager, sla_policy=chosen)
    assert not SlaPolicy.objects.filter(institution=institution).exists()

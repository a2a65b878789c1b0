from datetime import UTC, datetime

import pytest
import time_machine

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.handover.steady_state import record_scorecards
from hypercare.orgs.choices import Phase
from hypercare.orgs.models import Institution
from tests import factories
from tests.api.conftest import ApiClient

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER)


@time_machine.travel(NOW, tick=False)
def test_the_scorecard_shows_now_the_history_and_links_to_the_tickets(
    institution: Institution, requester: User, manager: User
) -> None:
    factories.ticket(requester)
    record_scorecards()
    body = ApiClient(manager).get(f"/institutions/{institution.pk}/exit-scorecard").json()
    assert body["phase"] == "hypercare"
    assert [card["day"] for card in body["history"]] == ["2026-11-16"]
    backlog = next(gate for gate in body["now"]["gates"] if gate["kind"] == "backlog")
    assert (backlog["figure"], backlog["met"]) == (1, True)
    assert backlog["tickets_url"] == f"/desk/?queue=all&institution={institution.pk}"
    signed = next(gate for gate in body["now"]["gates"] if gate["kind"] == "handover_signed")
    assert signed["tickets_url"] is None
    recurring = next(gate for gate in body["now"]["gates"] if gate["kind"] == "recurring_covered")
    assert recurring["tickets_url"] == (
        f"/reports/recurring/?institution={institution.pk}&period=30d"
    )


@time_machine.travel(NOW, tick=False)
def test_the_move_is_refused_with_409_unless_a_reason_is_given(
    institution: Institution, manager: User
) -> None:
    api = ApiClient(manager)
    path = f"/institutions/{institution.pk}/phase"
    refused = api.post(path, {"phase": "steady_state"})
    assert refused.status_code == 409
    assert "Handover record signed" in refused.json()["message"]
    moved = api.post(path, {"phase": "steady_state", "override_reason": "Contract ends."})
    assert moved.status_code == 200
    assert moved.json()["all_met"] is False
    institution.refresh_from_db()
    assert institution.phase == Phase.STEADY_STATE
    assert api.post(path, {"phase": "steady_state", "override_reason": "x"}).status_code == 409
    assert api.post(path, {"phase": "hypercare"}).status_code == 422
    scorecard = api.get(f"/institutions/{institution.pk}/exit-scorecard").json()
    assert scorecard["phase_changes"][0]["override_reason"] == "Contract ends."


def test_only_a_support_manager_moves_it(
    institution: Institution, agent: User, requester: User
) -> None:
    path = f"/institutions/{institution.pk}/phase"
    body = {"phase": "steady_state", "override_reason": "x"}
    assert ApiClient(agent).post(path, body).status_code == 403
    assert ApiClient(requester).post(path, body).status_code == 404


def test_an_unknown_policy_is_refused_by_name(institution: Institution, manager: User) -> None:
    answer = ApiClient(manager).post(
        f"/institutions/{institution.pk}/phase",
        {"phase": "steady_state", "override_reason": "x", "sla_policy_id": 999999},
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "sla_policy_id"

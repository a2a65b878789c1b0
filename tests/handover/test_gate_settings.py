from datetime import UTC, datetime

import pytest
import time_machine

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.handover.choices import GateEventKind, GateKind
from hypercare.handover.gate_settings import gate_history, gate_set, set_exit_gates
from hypercare.handover.gates import evaluate
from hypercare.orgs.models import Institution
from hypercare.problems.models import ProblemLink
from hypercare.problems.services.records import ProblemDetails, create_problem
from tests import factories
from tests.api.conftest import ApiClient
from tests.web.conftest import signed_in

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
DEFAULTS = {
    "no_critical": 14,
    "sla_attainment": 95,
    "backlog": 10,
    "no_escalation": 0,
    "handover_signed": 1,
    "active_users": 60,
    "recurring_covered": 10,
}


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, first_name="Meera", last_name="Moss")


def test_the_default_set_holds_the_recurring_issues_gate(institution: Institution) -> None:
    assert gate_set(institution).gates == DEFAULTS
    assert gate_set(institution).own is False


@time_machine.travel(NOW, tick=False)
def test_an_institution_gets_its_own_set_and_goes_back_to_the_defaults(
    institution: Institution, manager: User
) -> None:
    held = set_exit_gates(
        institution=institution, gates={"backlog": 3, "sla_attainment": 90}, actor=manager
    )
    assert held == {"backlog": 3, "sla_attainment": 90}
    assert [result.kind for result in evaluate(institution, NOW)] == ["backlog", "sla_attainment"]
    set_exit_gates(institution=institution, gates={"backlog": 5}, actor=manager)
    assert gate_set(institution).gates == {"backlog": 5}
    assert set_exit_gates(institution=institution, gates=None, actor=manager) == DEFAULTS
    assert gate_set(institution).own is False
    steps = [(event.kind, event.before, event.after) for event in gate_history(institution)]
    assert steps == [
        (GateEventKind.BACK_TO_DEFAULTS, {"backlog": 5}, {}),
        (GateEventKind.CHANGED, {"backlog": 3, "sla_attainment": 90}, {"backlog": 5}),
        (GateEventKind.CHANGED, {}, {"backlog": 3, "sla_attainment": 90}),
    ]
    assert gate_set(factories.institution()).gates == DEFAULTS


def test_the_default_set_changes_for_every_institution_without_its_own(
    institution: Institution, manager: User
) -> None:
    set_exit_gates(institution=None, gates={**DEFAULTS, "backlog": 25}, actor=manager)
    assert gate_set(institution).gates["backlog"] == 25
    assert [event.after["backlog"] for event in gate_history(None)] == [25]


def test_an_unchanged_set_records_nothing(institution: Institution, manager: User) -> None:
    set_exit_gates(institution=None, gates=DEFAULTS, actor=manager)
    assert not gate_history(None).exists()


def test_thresholds_outside_their_kinds_range_are_refused_by_kind(
    institution: Institution, manager: User
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        set_exit_gates(
            institution=institution,
            gates={
                "sla_attainment": 101,
                "active_users": -1,
                "recurring_covered": 0,
                "handover_signed": 2,
                "backlog": None,
                "coffee": 1,
            },
            actor=manager,
        )
    assert refused.value.errors == {
        "gates.sla_attainment": "must be from 0 to 100",
        "gates.active_users": "must be from 0 to 100",
        "gates.recurring_covered": "must be from 1 to 20",
        "gates.handover_signed": "must be from 1 to 1",
        "gates.backlog": "must not be empty",
        "gates.coffee": "is not an exit gate",
    }
    with pytest.raises(ValidationFailed):
        set_exit_gates(institution=None, gates={}, actor=manager)
    with pytest.raises(ValidationFailed):
        set_exit_gates(institution=None, gates=None, actor=manager)
    with pytest.raises(ValidationFailed):
        set_exit_gates(institution=institution, gates={}, actor=manager)


@pytest.mark.parametrize("role", [Role.TIER1, Role.ESCALATION_MANAGER, Role.INSTITUTION_ADMIN])
def test_only_a_support_manager_changes_gates(institution: Institution, role: str) -> None:
    person = factories.user(
        role, institution=institution if role == Role.INSTITUTION_ADMIN else None
    )
    with pytest.raises(NotAllowed):
        set_exit_gates(institution=institution, gates={"backlog": 1}, actor=person)


@time_machine.travel(NOW, tick=False)
def test_the_recurring_gate_counts_top_issues_without_article_or_problem(
    institution: Institution, requester: User, manager: User
) -> None:
    set_exit_gates(institution=institution, gates={"recurring_covered": 2}, actor=manager)
    printing = [factories.ticket(requester, title="Receipt printing fails") for _ in range(3)]
    for _ in range(2):
        factories.ticket(requester, title="Payroll export slow")
    [gate] = evaluate(institution, NOW)
    assert (gate.figure, gate.met) == (2, False)
    problem = create_problem(actor=manager, details=ProblemDetails(title="Printer driver"))
    for ticket in printing:
        ProblemLink.objects.create(problem=problem, ticket=ticket, linked_at=NOW, linked_by=manager)
    [gate] = evaluate(institution, NOW)
    assert (gate.figure, gate.met) == (1, False)


def test_the_gates_api_reads_for_readers_and_changes_for_managers(
    institution: Institution, manager: User
) -> None:
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=institution)
    path = f"/institutions/{institution.pk}/exit-gates"
    read = ApiClient(admin).get(path).json()
    assert read["own"] is False
    assert {gate["kind"]: gate["threshold"] for gate in read["gates"]} == DEFAULTS
    assert ApiClient(admin).put(path, {"gates": {"backlog": 1}}).status_code == 403
    api = ApiClient(manager)
    refused = api.put(path, {"gates": {"backlog": -5}})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "gates.backlog", "message": "must be from 0 to 100000"}
    ]
    changed = api.put(path, {"gates": {"backlog": 2}}).json()
    assert (changed["own"], changed["gates"][0]["threshold"]) == (True, 2)
    assert changed["history"][0]["actor"]["name"] == "Meera Moss"
    assert api.put(path, {"gates": None}).json()["own"] is False
    assert api.put(path, {"colour": "red", "gates": None}).status_code == 422
    assert ApiClient(admin).get("/exit-gates/default").status_code == 403
    assert api.put("/exit-gates/default", {"gates": {}}).status_code == 422
    assert api.put("/exit-gates/default", {"gates": DEFAULTS}).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_a_manager_changes_the_gates_on_the_page(institution: Institution, manager: User) -> None:
    web = signed_in(manager)
    path = f"/desk/institutions/{institution.pk}/exit/gates/"
    assert "Held to the" in web.get(path).content.decode()
    refused = web.post(path, {"held_sla_attainment": "on", "threshold_sla_attainment": "120"})
    assert refused.status_code == 422
    assert "must be from 0 to 100" in refused.content.decode()
    saved = web.post(path, {"held_backlog": "on", "threshold_backlog": "4"})
    assert saved.status_code == 302
    page = web.get(path).content.decode()
    assert "Held to gates of its own" in page
    assert "Changed the gates" in page
    assert web.post(f"{path}defaults/").status_code == 302
    assert gate_set(institution).own is False
    nothing = web.post(path, {})
    assert "must hold at least one gate" in nothing.content.decode()
    defaults = web.post("/desk/exit-gates/", {"held_backlog": "on", "threshold_backlog": "7"})
    assert defaults.status_code == 302
    assert gate_set(institution).gates == {"backlog": 7}
    assert GateKind.BACKLOG.label in web.get("/desk/exit-gates/").content.decode()


def test_other_staff_read_the_gates_page_without_the_form(
    institution: Institution, agent: User
) -> None:
    web = signed_in(agent)
    page = web.get(f"/desk/institutions/{institution.pk}/exit/gates/").content.decode()
    assert "Change the gates" not in page
    assert (
        web.post("/desk/exit-gates/", {"held_backlog": "on", "threshold_backlog": "7"}).status_code
        == 403
    )

"""Every escalation step through the API, with the access policy and clear errors."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.models import User
from hypercare.escalations.choices import EscalationEventKind
from hypercare.escalations.models import Escalation
from hypercare.escalations.services.review import flag_missed_updates
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Ticket
from tests import factories
from tests.api.conftest import ApiClient
from tests.escalations.conftest import T0

REQUEST: dict[str, Any] = {
    "reason": "production_down",
    "problem_statement_confirmed": True,
    "business_impact": "Admissions cannot take payments.",
    "workaround": "none",
    "milestone_date": "2025-04-10",
    "milestone": "Admissions close",
}
AGREEMENT = {
    "action_plan_accepted": True,
    "root_cause_on_track": True,
    "agreed_by": "Riya",
    "agreed_at": "2025-04-08T09:30:00+05:30",
    "agreement_channel": "email",
}


@pytest.fixture(autouse=True)
def still_time(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(T0, tick=False)


def _fields(response: Any) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def test_the_whole_process_through_the_api(
    api_as: type[ApiClient], ticket: Ticket, requester: User, manager: User, support_manager: User
) -> None:
    as_requester, as_manager = api_as(requester), api_as(manager)
    requested = as_requester.post(f"/tickets/{ticket.reference}/escalations", REQUEST)
    assert requested.status_code == 201, requested.json()
    escalation = requested.json()
    assert (escalation["status"], escalation["manager"]["username"]) == ("active", "esme")
    assert escalation["next_update_due_at"] == "2025-04-07T14:00:00Z"
    path = f"/escalations/{escalation['id']}"

    planned = as_manager.post(f"{path}/action-plan", {"action_plan": "Roll back the patch."})
    assert planned.json()["action_plan"] == "Roll back the patch."
    agreed = as_manager.post(
        f"{path}/communication-plan",
        {"mode": "phone", "update_every_hours": 2, "attendees": "Riya, Esme"},
    ).json()
    assert agreed["communication_plan"] == {
        "mode": "phone",
        "update_every_hours": 2,
        "attendees": "Riya, Esme",
    }
    assert agreed["next_update_due_at"] == "2025-04-07T12:00:00Z"

    updated = as_manager.post(f"{path}/updates", {"body": "Rolled back on staging."})
    assert updated.status_code == 201
    assert updated.json()["last_update_at"] == "2025-04-07T10:00:00Z"

    raised = api_as(support_manager).post(f"{path}/level", {"level": 3, "reason": "Admissions"})
    assert raised.json()["level"] == 3

    with time_machine.travel(T0 + timedelta(days=1, hours=2), tick=False):
        done = as_manager.post(f"{path}/de-escalation", AGREEMENT)
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "de_escalated"
    assert done.json()["de_escalation"]["agreed_at"] == "2025-04-08T04:00:00Z"

    # The requester follows it all: the public steps are on their timeline.
    kinds = {event["kind"] for event in as_requester.get(f"/tickets/{ticket.pk}/events").json()}
    assert {
        EscalationEventKind.ESCALATION_REQUESTED,
        EscalationEventKind.ESCALATION_MANAGER,
        EscalationEventKind.ESCALATION_ACTION_PLAN,
        EscalationEventKind.ESCALATION_COMMUNICATION_PLAN,
        EscalationEventKind.ESCALATION_UPDATE,
        EscalationEventKind.DE_ESCALATED,
    } <= kinds
    assert EscalationEventKind.ESCALATION_LEVEL_RAISED not in kinds
    history = as_requester.get(f"/tickets/{ticket.pk}/escalations").json()
    assert [item["status"] for item in history] == ["de_escalated"]


@pytest.fixture
def escalation(ticket: Ticket, requester: User, manager: User) -> dict[str, Any]:
    response = ApiClient(requester).post(f"/tickets/{ticket.pk}/escalations", REQUEST)
    assert response.status_code == 201
    return dict(response.json())


def test_the_checklist_is_refused_field_by_field(
    api_as: type[ApiClient], ticket: Ticket, requester: User
) -> None:
    incomplete = {**REQUEST, "problem_statement_confirmed": False, "business_impact": " "}
    response = api_as(requester).post(f"/tickets/{ticket.pk}/escalations", incomplete)
    assert response.status_code == 422
    assert _fields(response) == {"problem_statement_confirmed", "business_impact"}
    wrong_shape = {**REQUEST, "reason": "bored", "workaround": "maybe", "colour": "red"}
    response = api_as(requester).post(f"/tickets/{ticket.pk}/escalations", wrong_shape)
    assert response.status_code == 422
    assert _fields(response) == {"reason", "workaround", "colour"}
    assert not Escalation.objects.exists()


def test_a_second_request_is_a_conflict(
    api_as: type[ApiClient], ticket: Ticket, agent: User, escalation: dict[str, Any]
) -> None:
    response = api_as(agent).post(f"/tickets/{ticket.pk}/escalations", REQUEST)
    assert response.status_code == 409
    assert response.json()["message"] == "This ticket is already escalated."


def test_de_escalation_is_refused_until_the_checklist_is_complete(
    api_as: type[ApiClient], manager: User, escalation: dict[str, Any]
) -> None:
    path = f"/escalations/{escalation['id']}"
    client = api_as(manager)
    assert client.post(f"{path}/de-escalation", AGREEMENT).status_code == 409
    client.post(f"{path}/action-plan", {"action_plan": "Roll back."})
    with time_machine.travel(T0 + timedelta(days=1, hours=2), tick=False):
        empty = client.post(f"{path}/de-escalation", {})
        assert empty.status_code == 422
        assert _fields(empty) == {
            "action_plan_accepted",
            "root_cause_on_track",
            "agreed_by",
            "agreed_at",
            "agreement_channel",
        }
        naive = client.post(f"{path}/de-escalation", {**AGREEMENT, "agreed_at": "2025-04-08T09:30"})
        assert naive.status_code == 422
        assert _fields(naive) == {"agreed_at"}
        assert client.post(f"{path}/de-escalation", AGREEMENT).status_code == 200


@pytest.mark.parametrize(
    ("step", "body"),
    [
        ("manager", {"manager_id": "the escalation's manager"}),
        ("action-plan", {"action_plan": "Plan"}),
        ("communication-plan", {"mode": "email", "update_every_hours": 4, "attendees": "All"}),
        ("updates", {"body": "Update"}),
        ("level", {"level": 2, "reason": "Slow"}),
        ("de-escalation", AGREEMENT),
    ],
)
def test_institution_users_and_agents_may_not_handle(
    api_as: type[ApiClient],
    requester: User,
    agent: User,
    institution_admin: User,
    escalation: dict[str, Any],
    step: str,
    body: dict[str, Any],
) -> None:
    if step == "manager":
        body = {"manager_id": escalation["manager"]["id"]}
    for person in (requester, institution_admin, agent):
        response = api_as(person).post(f"/escalations/{escalation['id']}/{step}", body)
        assert response.status_code == 403, (person, step, response.json())


def test_an_outsider_finds_nothing(
    api_as: type[ApiClient], outsider: User, ticket: Ticket, escalation: dict[str, Any]
) -> None:
    client = api_as(outsider)
    assert client.get(f"/escalations/{escalation['id']}").status_code == 404
    assert client.get("/escalations").json()["count"] == 0
    assert client.post(f"/escalations/{escalation['id']}/updates", {"body": "x"}).status_code == 404
    assert client.post(f"/tickets/{ticket.pk}/escalations", REQUEST).status_code == 404
    assert client.get(f"/tickets/{ticket.pk}/escalations").status_code == 404


def test_institution_users_see_only_their_institutions_escalations(
    api_as: type[ApiClient],
    institution_admin: User,
    requester: User,
    colleague: User,
    other_institution: Institution,
    outsider: User,
    escalation: dict[str, Any],
) -> None:
    foreign = factories.ticket(factories.requester(other_institution))
    api_as(outsider).post(f"/tickets/{foreign.pk}/escalations", REQUEST)
    assert Escalation.objects.count() == 2
    assert [
        item["id"] for item in api_as(institution_admin).get("/escalations").json()["results"]
    ] == [escalation["id"]]
    assert api_as(requester).get("/escalations").json()["count"] == 1
    # A colleague who may not see the ticket does not see its escalation either.
    assert api_as(colleague).get("/escalations").json()["count"] == 0
    assert api_as(outsider).get("/escalations").json()["count"] == 1


def test_the_list_filters_and_refuses_unknown_parameters(
    api_as: type[ApiClient], manager: User, escalation: dict[str, Any]
) -> None:
    client = api_as(manager)
    assert client.get("/escalations", {"manager": "me"}).json()["count"] == 1
    assert client.get("/escalations", {"state": "de_escalated"}).json()["count"] == 0
    assert client.get("/escalations", {"state": "all"}).json()["count"] == 1
    unknown = client.get("/escalations", {"status": "open"})
    assert unknown.status_code == 422
    assert _fields(unknown) == {"status"}


def test_the_overdue_update_shows_in_the_api(
    api_as: type[ApiClient], requester: User, escalation: dict[str, Any]
) -> None:
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        flag_missed_updates()
        seen = api_as(requester).get(f"/escalations/{escalation['id']}").json()
    assert seen["update_overdue"] is True


def test_assigning_someone_who_is_not_an_escalation_manager_names_the_field(
    api_as: type[ApiClient], support_manager: User, agent: User, escalation: dict[str, Any]
) -> None:
    client = api_as(support_manager)
    response = client.post(f"/escalations/{escalation['id']}/manager", {"manager_id": agent.pk})
    assert response.status_code == 422
    assert _fields(response) == {"manager_id"}
    missing = client.post(f"/escalations/{escalation['id']}/manager", {"manager_id": 999_999})
    assert missing.status_code == 422
    assert _fields(missing) == {"manager_id"}


def test_the_list_costs_the_same_however_many_escalations(
    api_as: type[ApiClient], requester: User, manager: User
) -> None:
    client = api_as(manager)
    client.get("/escalations")  # the token's first use stamps it

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/escalations").status_code == 200
        return len(queries)

    ApiClient(requester).post(f"/tickets/{factories.ticket(requester).pk}/escalations", REQUEST)
    one = count()
    for _ in range(5):
        ApiClient(requester).post(f"/tickets/{factories.ticket(requester).pk}/escalations", REQUEST)
    assert count() == one
    # Token, roles, the count and the page with every related row.
    assert one == 4


def _steps(response: Any) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["step"] for row in response.json()]


def test_next_steps_are_the_ones_the_desk_offers_in_the_process_order(
    api_as: type[ApiClient], ticket: Ticket, requester: User, manager: User, outsider: User
) -> None:
    path = f"/tickets/{ticket.reference}/escalation-steps"
    offered = api_as(requester).get(path)
    assert offered.json() == [{"step": "request", "title": "Request an escalation"}]
    assert api_as(manager).get(path).json()[0]["step"] == "request"

    api_as(requester).post(f"/tickets/{ticket.reference}/escalations", REQUEST)

    assert _steps(api_as(requester).get(path)) == []
    assert _steps(api_as(manager).get(path)) == [
        "manager",
        "action-plan",
        "communication-plan",
        "update",
        "level",
    ]
    assert api_as(outsider).get(path).status_code == 404

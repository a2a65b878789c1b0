"""Problems through the API: the steps, the error format, and nothing for the institutions."""

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.models import User
from hypercare.incidents.models import MajorIncident
from hypercare.problems.choices import ProblemStatus
from hypercare.problems.models import Problem, ProblemLink
from hypercare.problems.services.records import ProblemDetails, create_problem
from hypercare.releases.models import Release
from hypercare.releases.services import create_release, ship_release
from hypercare.tickets.models import Ticket
from tests import factories
from tests.api.conftest import ApiClient
from tests.problems.conftest import WORKAROUND


def _fields(response: Any) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.fixture
def release(manager: User) -> Release:
    return create_release(actor=manager, version="2025.3", planned_date=date(2025, 4, 14))


def test_an_agent_creates_a_problem_from_tickets(
    agent: User, engineer: User, tickets: dict[str, Ticket]
) -> None:
    response = ApiClient(agent).post(
        "/problems",
        {
            "title": "Gateway drops callbacks",
            "tickets": [ticket.reference for ticket in tickets.values()],
            "workaround": WORKAROUND,
            "owner_id": engineer.pk,
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "new"
    assert body["reference"] == Problem.objects.get().reference
    assert body["owner"]["id"] == engineer.pk
    assert body["ticket_count"] == 2
    assert [ticket["reference"] for ticket in body["tickets"]] == sorted(
        ticket.reference for ticket in tickets.values()
    )
    assert [step["kind"] for step in body["history"]] == [
        "created",
        "ticket_linked",
        "ticket_linked",
    ]


def test_bad_input_names_each_field(agent: User, tier2_agent: User) -> None:
    response = ApiClient(agent).post(
        "/problems",
        {"title": "x", "tickets": ["HC-999999"], "owner_id": tier2_agent.pk, "colour": "red"},
    )
    assert response.status_code == 422
    assert set(_fields(response)) == {"colour"}

    response = ApiClient(agent).post(
        "/problems", {"title": "x", "tickets": ["HC-999999"], "module_ids": [999999]}
    )
    assert response.status_code == 422
    assert _fields(response) == {"tickets": "no such ticket: HC-999999"}

    response = ApiClient(agent).post("/problems", {"title": "x", "owner_id": tier2_agent.pk})
    assert _fields(response) == {"owner_id": "must be an active tier 3 engineer"}
    assert not Problem.objects.exists()


def test_update_changes_only_the_fields_given(agent: User, problem: Problem) -> None:
    answer = ApiClient(agent).patch(
        f"/problems/{problem.pk}", {"root_cause": "Expired certificate"}
    )
    assert answer.status_code == 200
    assert answer.json()["root_cause"] == "Expired certificate"
    assert answer.json()["workaround"] == WORKAROUND
    assert answer.json()["ticket_count"] == 2


def test_status_follows_its_table(agent: User, problem: Problem) -> None:
    client = ApiClient(agent)
    refused = client.post(f"/problems/{problem.pk}/status", {"status": "known_error"})
    assert refused.status_code == 422
    assert _fields(refused) == {"root_cause": "must not be empty"}

    assert client.post(f"/problems/{problem.pk}/status", {"status": "resolved"}).status_code == 200
    conflict = client.post(f"/problems/{problem.pk}/status", {"status": "known_error"})
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "conflict"


def test_link_and_unlink(agent: User, problem: Problem, colleague: User) -> None:
    client = ApiClient(agent)
    third = factories.ticket(colleague)

    unknown = client.post(f"/problems/{problem.pk}/tickets", {"ticket": "HC-999999"})
    linked = client.post(f"/problems/{problem.pk}/tickets", {"ticket": third.reference})
    again = client.post(f"/problems/{problem.pk}/tickets", {"ticket": third.reference})
    unlinked = client.delete(f"/problems/{problem.pk}/tickets/{third.reference}")
    missing = client.delete(f"/problems/{problem.pk}/tickets/{third.reference}")

    assert _fields(unknown) == {"ticket": "no such ticket: HC-999999"}
    assert (linked.status_code, again.status_code) == (201, 409)
    assert linked.json()["ticket_count"] == 3
    assert (unlinked.status_code, missing.status_code) == (200, 409)
    assert not ProblemLink.objects.filter(ticket=third).exists()


def test_publishing_twice_posts_once(
    agent: User, problem: Problem, tickets: dict[str, Ticket]
) -> None:
    client = ApiClient(agent)
    first = client.post(f"/problems/{problem.pk}/workaround/publish")
    second = client.post(f"/problems/{problem.pk}/workaround/publish")

    assert first.status_code == 200
    assert sorted(first.json()["posted_to"]) == sorted(t.reference for t in tickets.values())
    assert second.json()["posted_to"] == []
    assert second.json()["problem"]["workaround_published_at"] is not None


def test_a_published_workaround_meets_the_tickets_first_response(
    agent: User, problem: Problem, tickets: dict[str, Ticket]
) -> None:
    client = ApiClient(agent)
    reference = tickets["northfield"].reference
    before = client.get(f"/tickets/{reference}").json()["sla"]["first_response"]
    client.post(f"/problems/{problem.pk}/workaround/publish")
    after = client.get(f"/tickets/{reference}").json()

    assert before["state"] == "running"
    assert after["first_responded_at"] == "2025-03-03T09:00:00Z"
    assert after["sla"]["first_response"]["state"] == "met"


def test_the_fix_is_planned_and_shipping_resolves_the_problem(
    agent: User, manager: User, problem: Problem, release: Release
) -> None:
    client = ApiClient(agent)
    unknown = client.put(f"/problems/{problem.pk}/release", {"release_id": 999999})
    planned = client.put(f"/problems/{problem.pk}/release", {"release_id": release.pk})
    assert unknown.status_code == 422
    assert _fields(unknown) == {"release_id": "no such release"}
    assert planned.json()["status"] == "fix_planned"
    assert planned.json()["release"]["version"] == "2025.3"

    ship_release(release=release, actor=manager)

    assert client.get(f"/problems/{problem.pk}").json()["status"] == ProblemStatus.RESOLVED
    shipped = create_release(actor=manager, version="2025.4")
    ship_release(release=shipped, actor=manager)
    assert (
        client.put(f"/problems/{problem.pk}/release", {"release_id": shipped.pk}).status_code == 409
    )


def test_the_known_error_search(agent: User, problem: Problem, tickets: dict[str, Ticket]) -> None:
    Problem.objects.filter(pk=problem.pk).update(root_cause="Expired certificate")
    client = ApiClient(agent)
    client.post(f"/problems/{problem.pk}/status", {"status": "known_error"})
    ApiClient(agent).post("/problems", {"title": "Gateway slow"})

    found = client.get("/problems", {"known_error": "true", "q": "gateway bursar"})
    by_ticket = client.get("/problems", {"ticket": tickets["southbank"].reference})
    unknown = client.get("/problems", {"colour": "red"})

    assert [item["id"] for item in found.json()["results"]] == [problem.pk]
    assert found.json()["results"][0]["workaround"] == WORKAROUND
    assert [item["id"] for item in by_ticket.json()["results"]] == [problem.pk]
    assert by_ticket.json()["results"][0]["ticket_count"] == 2
    assert unknown.status_code == 422


@pytest.mark.parametrize("persona", ["requester", "key_user", "outsider"])
def test_institution_users_find_no_problem_anywhere(
    persona: str, problem: Problem, tickets: dict[str, Ticket], request: pytest.FixtureRequest
) -> None:
    client = ApiClient(request.getfixturevalue(persona))
    own = tickets["northfield"].reference

    answers = [
        client.get("/problems"),
        client.get("/problems", {"ticket": own}),
        client.get(f"/problems/{problem.pk}"),
        client.post("/problems", {"title": "Mine", "tickets": [own]}),
        client.post(f"/problems/{problem.pk}/status", {"status": "resolved"}),
        client.patch(f"/problems/{problem.pk}", {"title": "Renamed"}),
        client.post(f"/problems/{problem.pk}/tickets", {"ticket": own}),
        client.delete(f"/problems/{problem.pk}/tickets/{own}"),
        client.post(f"/problems/{problem.pk}/workaround/publish"),
        client.put(f"/problems/{problem.pk}/release", {"release_id": None}),
    ]

    assert [answer.status_code for answer in answers] == [404] * len(answers)
    assert all("count" not in answer.json() for answer in answers)
    assert Problem.objects.get().status == ProblemStatus.NEW
    assert ProblemLink.objects.count() == 2


def test_the_problem_list_costs_the_same_queries_for_few_and_many(
    agent: User, engineer: User, tickets: dict[str, Ticket]
) -> None:
    client = ApiClient(agent)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/problems").status_code == 200
        return len(captured)

    def more(count: int) -> None:
        for n in range(count):
            details = ProblemDetails(title=f"Problem {n}", owner=engineer)
            create_problem(actor=agent, details=details, tickets=list(tickets.values()))

    more(2)
    queries()  # the token's first use is recorded once
    few = queries()
    more(8)
    assert queries() == few


def test_a_problem_is_linked_to_the_major_incidents_it_caused(
    agent: User, problem: Problem, incident: MajorIncident
) -> None:
    client = ApiClient(agent)
    path = f"/problems/{problem.pk}/incidents"

    unknown = client.post(path, {"incident_id": 999_999})
    linked = client.post(path, {"incident_id": incident.pk})
    again = client.post(path, {"incident_id": incident.pk})
    unlinked = client.delete(f"{path}/{incident.pk}")
    missing = client.delete(f"{path}/{incident.pk}")

    assert _fields(unknown) == {"incident_id": "no such major incident"}
    assert (linked.status_code, again.status_code) == (201, 409)
    assert [row["id"] for row in linked.json()["incidents"]] == [incident.pk]
    assert linked.json()["history"][-1]["text"].endswith(f"linked the major incident {incident}")
    assert (unlinked.status_code, missing.status_code) == (200, 409)
    assert unlinked.json()["incidents"] == []
    assert not problem.incidents.exists()


@pytest.mark.parametrize("persona", ["requester", "outsider"])
def test_institution_users_link_no_incident_to_a_problem(
    persona: str, problem: Problem, incident: MajorIncident, request: pytest.FixtureRequest
) -> None:
    client = ApiClient(request.getfixturevalue(persona))

    answers = [
        client.post(f"/problems/{problem.pk}/incidents", {"incident_id": incident.pk}),
        client.delete(f"/problems/{problem.pk}/incidents/{incident.pk}"),
    ]

    assert [answer.status_code for answer in answers] == [404, 404]
    assert not problem.incidents.exists()

"""Tiers, owners, hand-over notes and agent availability through the API."""

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.services import issue_token
from hypercare.orgs.choices import AutoAssignment, Tier
from hypercare.orgs.models import AgentAvailability, Team
from hypercare.tickets.models import RoutingRule, Ticket
from tests import factories
from tests.api.contract import ContractClient

T0 = datetime(2025, 4, 7, 10, 0, tzinfo=UTC)
HANDOVER = {"tried": "Reprinted", "findings": "Template broken", "needed": "A config fix"}


@pytest.fixture(autouse=True)
def still_time(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def consultants(tier2_agent: User) -> Team:
    team = factories.team(
        "Finance consultants", tier=Tier.FUNCTIONAL, auto_assignment=AutoAssignment.ROUND_ROBIN
    )
    team.members.add(tier2_agent)
    # New tickets start at the service desk; tier 2 work goes to the consultants.
    desk = factories.team("Service desk", tier=Tier.SERVICE_DESK)
    RoutingRule.objects.create(team=desk, tier=Tier.SERVICE_DESK, position=1)
    RoutingRule.objects.create(team=team, tier=Tier.FUNCTIONAL, position=50)
    return team


def test_up_and_down_a_tier_with_owners_and_handover_notes(
    api_as: Any, requester: User, agent: User, tier2_agent: User, consultants: Team
) -> None:
    ticket = factories.ticket(requester)
    client = api_as(agent)
    client.post(f"/tickets/{ticket.pk}/take")
    up = client.post(f"/tickets/{ticket.pk}/tier", {"tier": 2, "handover": HANDOVER})
    assert up.status_code == 200, up.json()
    assert (up.json()["team"]["name"], up.json()["assignee"]["username"]) == (
        "Finance consultants",
        "tomas",
    )
    owners = client.get(f"/tickets/{ticket.pk}/owners").json()
    assert [(row["owner"]["username"], row["until"] is None) for row in owners] == [
        ("tara", False),
        ("tomas", True),
    ]
    assert owners[1]["assigned_by"]["username"] == "tara"
    [note] = client.get(f"/tickets/{ticket.pk}/handovers").json()
    assert (note["from_tier"], note["to_tier"], note["needed"]) == (1, 2, "A config fix")
    assert note["handed_over_by"]["username"] == "tara"

    no_note = api_as(tier2_agent).post(f"/tickets/{ticket.pk}/tier", {"tier": 1})
    assert no_note.status_code == 422
    assert [error["field"] for error in no_note.json()["errors"]] == ["note"]


def test_requesters_see_owners_but_not_handover_notes(
    api_as: Any, requester: User, outsider: User, agent: User
) -> None:
    ticket = factories.ticket(requester)
    api_as(agent).post(f"/tickets/{ticket.pk}/take")
    assert [
        row["owner"]["username"]
        for row in api_as(requester).get(f"/tickets/{ticket.pk}/owners").json()
    ] == ["tara"]
    assert api_as(requester).get(f"/tickets/{ticket.pk}/handovers").status_code == 403
    assert api_as(outsider).get(f"/tickets/{ticket.pk}/owners").status_code == 404


def test_a_chosen_team_at_another_tier_is_refused(
    api_as: Any, requester: User, agent: User, consultants: Team
) -> None:
    ticket = factories.ticket(requester)
    response = api_as(agent).post(
        f"/tickets/{ticket.pk}/tier",
        {"tier": 2, "handover": HANDOVER, "team_id": ticket.team_id},
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["team"]
    assert Ticket.objects.get(pk=ticket.pk).tier == Tier.SERVICE_DESK


def test_agents_set_their_availability_and_institution_users_may_not(
    api_as: Any, agent: User, tier2_agent: User, requester: User
) -> None:
    path = f"/agents/{agent.pk}/availability"
    away = {"on_duty": True, "out_of_office_until": "2025-04-11"}
    response = _put(agent, path, away)
    assert response.status_code == 200, response.json()
    assert response.json()["out_of_office_until"] == "2025-04-11"
    assert _put(tier2_agent, path, away).status_code == 403
    assert _put(requester, path, away).status_code == 403
    assert _put(agent, "/agents/999999/availability", away).status_code == 404
    past = _put(agent, path, {"on_duty": True, "out_of_office_until": "2025-04-01"})
    assert past.status_code == 422
    assert [error["field"] for error in past.json()["errors"]] == ["out_of_office_until"]
    listed = api_as(tier2_agent).get("/availability").json()
    assert [(row["agent"]["username"], row["on_duty"]) for row in listed] == [("tara", True)]
    assert api_as(requester).get("/availability").json() == []
    assert AgentAvailability.objects.get().agent == agent


def test_teams_show_their_auto_assignment(api_as: Any, agent: User, consultants: Team) -> None:
    teams = api_as(agent).get("/teams").json()
    assert [(team["name"], team["auto_assignment"]) for team in teams] == [
        ("Service desk", "off"),
        ("Finance consultants", "round_robin"),
    ]


def _put(user: User, path: str, body: dict[str, Any]) -> Any:
    """The API test client speaks GET and POST; availability is set with PUT."""
    _, plain = issue_token(user=user, name="put")
    return ContractClient().put(
        f"/api/v1{path}",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {plain}"},
    )


def test_a_team_lead_sets_a_members_availability(api_as: Any, agent: User) -> None:
    lead = factories.agent(Role.TIER2, username="lena")
    team = factories.team("Desk", lead=lead)
    team.members.add(agent)
    response = _put(lead, f"/agents/{agent.pk}/availability", {"on_duty": False})
    assert response.status_code == 200
    assert response.json()["on_duty"] is False

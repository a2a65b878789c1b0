"""The workspace's tier hand-over, the owner before, and an agent's own availability."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import Client

from hypercare.accounts.models import User
from hypercare.orgs.choices import AutoAssignment, Tier
from hypercare.orgs.models import AgentAvailability, Team
from hypercare.tickets.choices import EventKind
from hypercare.tickets.models import RoutingRule, Ticket
from hypercare.tickets.services.workflow import assign_ticket

T0 = datetime(2025, 4, 7, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def still_time(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(T0, tick=False)


def test_the_ticket_shows_its_owner_and_the_one_before(
    agent_client: Client, ticket: Ticket, agent: User, tier2_agent: User
) -> None:
    assign_ticket(ticket=ticket, actor=agent, assignee=agent)
    assign_ticket(ticket=ticket, actor=agent, assignee=tier2_agent, reason="Config")
    page = agent_client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert (
        '<p class="muted small" id="previous-owner">Before: tara, until <time datetime='
        '"2025-04-07T10:00:00+00:00" title="UTC">Mon 7 Apr 2025, 10:00</time>' in page
    )


def test_moving_up_from_the_desk_asks_for_the_three_part_handover(
    agent_client: Client, ticket: Ticket, tier2_agent: User
) -> None:
    consultants = Team.objects.create(
        name="Consultants",
        slug="consultants",
        tier=Tier.FUNCTIONAL,
        auto_assignment=AutoAssignment.ROUND_ROBIN,
    )
    consultants.members.add(tier2_agent)
    refused = agent_client.post(
        f"/desk/tickets/{ticket.pk}/tier/", {"tier": "2", "team": consultants.pk, "tried": "x"}
    )
    assert refused.status_code == 422
    page = refused.content.decode()
    assert 'id="id_tier-findings_error"' in page
    assert 'id="id_tier-needed_error"' in page
    assert 'id="id_tier-tried_error"' not in page
    agent_client.post(
        f"/desk/tickets/{ticket.pk}/tier/",
        {"tier": "2", "team": consultants.pk, "tried": "x", "findings": "y", "needed": "z"},
    )
    ticket.refresh_from_db()
    assert (ticket.tier, ticket.team, ticket.assignee) == (2, consultants, tier2_agent)


def test_an_agent_sets_their_own_availability(agent_client: Client, agent: User) -> None:
    page = agent_client.get("/desk/availability/").content.decode()
    assert 'name="on_duty"' in page
    assert "checked" in page
    past = agent_client.post(
        "/desk/availability/", {"on_duty": "on", "out_of_office_until": "2025-04-01"}
    )
    assert past.status_code == 422
    assert 'id="id_out_of_office_until_error"' in past.content.decode()
    saved = agent_client.post("/desk/availability/", {"out_of_office_until": "2025-04-09"})
    assert saved["Location"] == "/desk/availability/"
    availability = AgentAvailability.objects.get(agent=agent)
    assert (availability.on_duty, availability.out_of_office_until) == (False, date(2025, 4, 9))


def test_availability_is_a_workspace_page(requester_client: Client) -> None:
    assert requester_client.get("/desk/availability/")["Location"] == "/"


def test_the_desk_keeps_a_move_down_note_internal_unless_ticked(
    agent_client: Client, ticket: Ticket
) -> None:
    for name, tier in (("Service desk", Tier.SERVICE_DESK), ("Consultants", Tier.FUNCTIONAL)):
        team = Team.objects.create(name=name, slug=name.lower().replace(" ", "-"), tier=tier)
        RoutingRule.objects.create(team=team, tier=tier, for_new_tickets=False)
    up = {"tier": "2", "tried": "x", "findings": "y", "needed": "z"}
    page = agent_client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "Show why to the requester on their timeline" in page

    agent_client.post(f"/desk/tickets/{ticket.pk}/tier/", up)
    agent_client.post(f"/desk/tickets/{ticket.pk}/tier/", {"tier": "1", "note": "Internal why"})
    agent_client.post(f"/desk/tickets/{ticket.pk}/tier/", up)
    agent_client.post(
        f"/desk/tickets/{ticket.pk}/tier/",
        {"tier": "1", "note": "Public why", "note_public": "on"},
    )

    downs = ticket.events.filter(kind=EventKind.TIER_CHANGED, new_value="1").order_by("pk")
    assert [(event.reason, event.is_internal) for event in downs] == [
        ("Internal why", True),
        ("Public why", False),
    ]


def test_the_tier_move_shows_the_routed_team_and_asks_where_none_is_named(
    agent_client: Client, ticket: Ticket
) -> None:
    consultants = Team.objects.create(name="Consultants", slug="consultants", tier=Tier.FUNCTIONAL)
    RoutingRule.objects.create(team=consultants, tier=Tier.FUNCTIONAL, for_new_tickets=False)
    engineering = Team.objects.create(name="Engineering", slug="engineering", tier=Tier.TECHNICAL)
    page = agent_client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "Tier 2 · functional → Consultants</option>" in page
    assert "Tier 3 · technical → no team named: choose one below</option>" in page
    handover = {"tried": "x", "findings": "y", "needed": "z"}
    refused = agent_client.post(f"/desk/tickets/{ticket.pk}/tier/", {"tier": "3", **handover})
    assert refused.status_code == 422
    assert "No routing rule names a team at tier 3 for this ticket; choose one" in (
        refused.content.decode()
    )
    agent_client.post(
        f"/desk/tickets/{ticket.pk}/tier/", {"tier": "3", "team": engineering.pk, **handover}
    )
    ticket.refresh_from_db()
    assert (ticket.tier, ticket.team) == (Tier.TECHNICAL, engineering)

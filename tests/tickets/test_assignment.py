"""Auto-assignment within a team: round robin and least open work, respecting availability."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.choices import AutoAssignment, Tier
from hypercare.orgs.models import AgentAvailability, Team
from hypercare.orgs.services import set_availability
from hypercare.tickets.choices import EventKind, Status
from hypercare.tickets.models import RoutingRule, Ticket
from hypercare.tickets.services.workflow import assign_ticket, change_status, change_team
from tests import factories

T0 = datetime(2025, 4, 7, 10, 0, tzinfo=UTC)  # a Monday


@pytest.fixture(autouse=True)
def monday(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def members(db: None) -> list[User]:
    """Created out of alphabetical order: the turn follows usernames, not creation."""
    carol = factories.agent(Role.TIER1, username="carol")
    alice = factories.agent(Role.TIER1, username="alice")
    bob = factories.agent(Role.TIER1, username="bob")
    return [alice, bob, carol]


def _desk(members: list[User], mode: str) -> Team:
    team = factories.team("Service desk", auto_assignment=mode)
    team.members.add(*members)
    RoutingRule.objects.create(team=team, tier=Tier.SERVICE_DESK)
    return team


def _owners(requester: User, count: int) -> list[str]:
    return [factories.ticket(requester).assignee.username for _ in range(count)]  # type: ignore[union-attr]


def test_round_robin_cycles_through_the_members_in_order(
    members: list[User], requester: User
) -> None:
    _desk(members, AutoAssignment.ROUND_ROBIN)
    assert _owners(requester, 7) == ["alice", "bob", "carol", "alice", "bob", "carol", "alice"]


def test_round_robin_skips_members_who_are_off_duty_or_out_of_office(
    members: list[User], requester: User
) -> None:
    alice, bob, carol = members
    _desk(members, AutoAssignment.ROUND_ROBIN)
    set_availability(actor=bob, agent=bob, on_duty=False, out_of_office_until=None)
    assert _owners(requester, 3) == ["alice", "carol", "alice"]
    set_availability(actor=carol, agent=carol, on_duty=True, out_of_office_until=date(2025, 4, 8))
    assert _owners(requester, 2) == ["alice", "alice"]
    set_availability(actor=bob, agent=bob, on_duty=True, out_of_office_until=None)
    assert _owners(requester, 2) == ["bob", "alice"]


def test_out_of_office_includes_its_last_day(members: list[User], requester: User) -> None:
    alice, bob, carol = members
    _desk([alice, bob], AutoAssignment.ROUND_ROBIN)
    set_availability(actor=alice, agent=alice, on_duty=True, out_of_office_until=date(2025, 4, 8))
    with time_machine.travel(datetime(2025, 4, 8, 17, 0, tzinfo=UTC), tick=False):
        assert _owners(requester, 2) == ["bob", "bob"]
    with time_machine.travel(datetime(2025, 4, 9, 8, 0, tzinfo=UTC), tick=False):
        assert _owners(requester, 1) == ["alice"]


def test_inactive_members_and_institution_users_are_never_given_tickets(
    members: list[User], requester: User
) -> None:
    alice, bob, carol = members
    User.objects.filter(pk=bob.pk).update(is_active=False)
    _desk([alice, bob, carol, requester], AutoAssignment.ROUND_ROBIN)
    assert _owners(requester, 3) == ["alice", "carol", "alice"]


def test_least_open_work_picks_the_member_with_fewest_open_tickets(
    members: list[User], requester: User, agent: User
) -> None:
    alice, bob, carol = members
    team = _desk(members, AutoAssignment.OFF)
    for owner, count in ((alice, 2), (bob, 1), (carol, 2)):
        for _ in range(count):
            assign_ticket(ticket=factories.ticket(requester), actor=agent, assignee=owner)
    # Resolved work does not count: carol is down to one open ticket, like bob.
    resolved = Ticket.objects.filter(assignee=carol).first()
    assert resolved is not None
    change_status(ticket=resolved, actor=carol, status=Status.RESOLVED)
    team.auto_assignment = AutoAssignment.LEAST_OPEN_WORK
    team.save()
    # Bob and carol tie on one: bob first by username, then carol, then the three tie.
    assert _owners(requester, 4) == ["bob", "carol", "alice", "bob"]


def test_least_open_work_passes_over_unavailable_members(
    members: list[User], requester: User
) -> None:
    alice, bob, carol = members
    _desk(members, AutoAssignment.LEAST_OPEN_WORK)
    set_availability(actor=alice, agent=alice, on_duty=False, out_of_office_until=None)
    assert _owners(requester, 3) == ["bob", "carol", "bob"]


def test_auto_assignment_is_on_the_timeline_and_tells_the_agent(
    members: list[User], requester: User
) -> None:
    _desk(members, AutoAssignment.ROUND_ROBIN)
    ticket = factories.ticket(requester)
    event = ticket.events.get(kind=EventKind.ASSIGNED)
    assert (event.actor, event.old_value, event.new_value) == (None, "", "alice")
    assert event.reason == "Auto-assigned in Service desk (round robin)."
    assert ticket.status == Status.NEW
    assert OutboxMessage.objects.filter(event="ticket_assigned", recipient=members[0]).exists()


def test_with_auto_assignment_off_or_nobody_available_the_ticket_waits_unowned(
    members: list[User], requester: User
) -> None:
    team = _desk(members, AutoAssignment.OFF)
    assert factories.ticket(requester).assignee is None
    team.auto_assignment = AutoAssignment.ROUND_ROBIN
    team.save()
    AgentAvailability.objects.bulk_create(
        AgentAvailability(agent=member, on_duty=False) for member in members
    )
    ticket = factories.ticket(requester)
    assert ticket.assignee is None
    assert not ticket.events.filter(kind=EventKind.ASSIGNED).exists()


def test_a_team_change_into_an_auto_assigning_team_gives_a_new_owner(
    members: list[User], requester: User, agent: User
) -> None:
    ticket = factories.ticket(requester)
    assign_ticket(ticket=ticket, actor=agent, assignee=agent)
    manual = factories.team("Manual team")
    ticket = change_team(ticket=ticket, actor=agent, team=manual)
    assert ticket.assignee == agent
    automatic = factories.team("Automatic team", auto_assignment=AutoAssignment.ROUND_ROBIN)
    automatic.members.add(*members)
    ticket = change_team(ticket=ticket, actor=agent, team=automatic)
    assert Ticket.objects.get(pk=ticket.pk).assignee == members[0]


# Availability -----------------------------------------------------------------------------


def test_agents_team_leads_and_managers_set_availability_others_may_not(
    members: list[User], requester: User
) -> None:
    alice, bob, carol = members
    team = factories.team("Desk", lead=alice)
    team.members.add(bob)
    manager = factories.agent(Role.SUPPORT_MANAGER)
    set_availability(actor=alice, agent=bob, on_duty=False, out_of_office_until=None)
    set_availability(actor=manager, agent=carol, on_duty=False, out_of_office_until=None)
    for actor, agent in ((bob, carol), (requester, alice), (alice, requester)):
        with pytest.raises(NotAllowed):
            set_availability(actor=actor, agent=agent, on_duty=False, out_of_office_until=None)
    assert set(AgentAvailability.objects.values_list("agent__username", "on_duty")) == {
        ("bob", False),
        ("carol", False),
    }


def test_an_out_of_office_date_in_the_past_is_refused(members: list[User]) -> None:
    alice = members[0]
    with pytest.raises(ValidationFailed) as refused:
        set_availability(
            actor=alice, agent=alice, on_duty=True, out_of_office_until=date(2025, 4, 6)
        )
    assert set(refused.value.errors) == {"out_of_office_until"}

"""Tiers: up with a hand-over note into the next tier's queue, down with a note, and the
ticket's owners now and before."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, ValidationFailed
from hypercare.orgs.choices import AutoAssignment, ModuleCode, Tier
from hypercare.orgs.models import Institution, Team
from hypercare.tickets.choices import Category, EventKind, Status
from hypercare.tickets.models import RoutingRule, Ticket
from hypercare.tickets.selectors import handovers, ownership_history, previous_owner, timeline
from hypercare.tickets.services.handover import HandOverNote
from hypercare.tickets.services.workflow import (
    assign_ticket,
    change_status,
    change_tier,
    take_ticket,
)
from tests import factories

T0 = datetime(2025, 4, 7, 10, 0, tzinfo=UTC)
NOTE = HandOverNote(
    tried="Reset the user's password and cleared the cache.",
    findings="The fee receipt template fails for the new fee head.",
    needed="Fix the receipt template configuration.",
)


@pytest.fixture
def desk(agent: User) -> Team:
    team = factories.team("Service desk", tier=Tier.SERVICE_DESK)
    team.members.add(agent)
    RoutingRule.objects.create(team=team, tier=Tier.SERVICE_DESK)
    return team


@pytest.fixture
def consultants(tier2_agent: User) -> Team:
    team = factories.team("Finance consultants", tier=Tier.FUNCTIONAL)
    team.members.add(tier2_agent)
    RoutingRule.objects.create(team=team, tier=Tier.FUNCTIONAL, module_code=ModuleCode.FINANCE)
    return team


@pytest.fixture
def ticket(requester: User, desk: Team, agent: User) -> Ticket:
    with time_machine.travel(T0, tick=False):
        ticket = factories.ticket(requester)
        return change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)


def test_moving_up_sends_the_ticket_to_the_tiers_team_queue_without_its_old_owner(
    ticket: Ticket, agent: User, consultants: Team
) -> None:
    factories.team("Another tier 2 team", tier=Tier.FUNCTIONAL)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        ticket = change_tier(ticket=ticket, actor=agent, tier=Tier.FUNCTIONAL, handover=NOTE)
    ticket.refresh_from_db()
    assert (ticket.tier, ticket.team, ticket.assignee) == (Tier.FUNCTIONAL, consultants, None)
    cleared = ticket.events.filter(kind=EventKind.ASSIGNED).last()
    assert cleared is not None
    assert (cleared.old_value, cleared.new_value) == ("tara", "")
    assert cleared.reason == "Handed over to the Finance consultants queue."


def test_moving_up_into_an_auto_assigning_team_hands_it_to_a_member(
    ticket: Ticket, agent: User, consultants: Team, tier2_agent: User
) -> None:
    consultants.auto_assignment = AutoAssignment.LEAST_OPEN_WORK
    consultants.save()
    ticket = change_tier(ticket=ticket, actor=agent, tier=Tier.FUNCTIONAL, handover=NOTE)
    assert Ticket.objects.get(pk=ticket.pk).assignee == tier2_agent
    moved = ticket.events.filter(kind=EventKind.ASSIGNED).last()
    assert moved is not None
    assert (moved.old_value, moved.new_value) == ("tara", "tomas")


def test_without_a_rule_for_the_tier_the_agent_chooses_the_team(
    ticket: Ticket, agent: User, desk: Team
) -> None:
    engineering = factories.team("Engineering", tier=Tier.TECHNICAL)
    with pytest.raises(ValidationFailed) as refused:
        change_tier(ticket=ticket, actor=agent, tier=Tier.TECHNICAL, handover=NOTE)
    assert set(refused.value.errors) == {"team"}
    assert Ticket.objects.get(pk=ticket.pk).team == desk
    change_tier(ticket=ticket, actor=agent, tier=Tier.TECHNICAL, handover=NOTE, team=engineering)
    assert Ticket.objects.get(pk=ticket.pk).team == engineering


def test_a_payroll_ticket_moved_to_tier_two_lands_in_hr_and_payrolls_queue(
    requester: User, agent: User, desk: Team
) -> None:
    factories.team("Academics & Exams", tier=Tier.FUNCTIONAL)
    hr_payroll = factories.team("HR & Payroll", tier=Tier.FUNCTIONAL)
    RoutingRule.objects.create(
        team=hr_payroll,
        tier=Tier.FUNCTIONAL,
        module_code=ModuleCode.PAYROLL,
        for_new_tickets=False,
    )
    ticket = factories.ticket(requester, module_code=ModuleCode.PAYROLL)
    assert (ticket.tier, ticket.team) == (Tier.SERVICE_DESK, desk)
    ticket = change_tier(ticket=ticket, actor=agent, tier=Tier.FUNCTIONAL, handover=NOTE)
    ticket.refresh_from_db()
    assert (ticket.tier, ticket.team) == (Tier.FUNCTIONAL, hr_payroll)


def test_a_chosen_team_must_work_at_that_tier(ticket: Ticket, agent: User, desk: Team) -> None:
    with pytest.raises(ValidationFailed) as refused:
        change_tier(ticket=ticket, actor=agent, tier=Tier.FUNCTIONAL, handover=NOTE, team=desk)
    assert set(refused.value.errors) == {"team"}


def test_a_tier_with_no_team_asks_for_one(ticket: Ticket, agent: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        change_tier(ticket=ticket, actor=agent, tier=Tier.TECHNICAL, handover=NOTE)
    assert refused.value.errors == {
        "team": "No routing rule names a team at tier 3 for this ticket; choose one"
    }
    assert Ticket.objects.get(pk=ticket.pk).tier == Tier.SERVICE_DESK


def test_the_rules_for_the_tier_pick_the_most_specific_team(
    ticket: Ticket, agent: User, institution: Institution, consultants: Team
) -> None:
    northfield = factories.team("Northfield finance", tier=Tier.FUNCTIONAL)
    RoutingRule.objects.create(
        team=northfield,
        tier=Tier.FUNCTIONAL,
        institution=institution,
        module_code=ModuleCode.FINANCE,
        category=Category.QUESTION,
    )
    ticket = change_tier(ticket=ticket, actor=agent, tier=Tier.FUNCTIONAL, handover=NOTE)
    assert Ticket.objects.get(pk=ticket.pk).team == northfield


def test_moving_down_needs_a_note_not_a_handover(
    ticket: Ticket, agent: User, tier2_agent: User, consultants: Team, desk: Team
) -> None:
    change_tier(ticket=ticket, actor=agent, tier=Tier.FUNCTIONAL, handover=NOTE)
    with pytest.raises(ValidationFailed) as refused:
        change_tier(ticket=ticket, actor=tier2_agent, tier=Tier.SERVICE_DESK, handover=NOTE)
    assert set(refused.value.errors) == {"note"}
    change_tier(
        ticket=ticket,
        actor=tier2_agent,
        tier=Tier.SERVICE_DESK,
        note=" A how-to question after all. ",
    )
    ticket.refresh_from_db()
    assert (ticket.tier, ticket.team) == (Tier.SERVICE_DESK, desk)
    down = ticket.events.filter(kind=EventKind.TIER_CHANGED).last()
    assert down is not None
    assert (down.old_value, down.new_value, down.reason) == (
        "2",
        "1",
        "A how-to question after all.",
    )
    assert not hasattr(down, "handover")


def test_tier_zero_is_self_service_and_holds_no_tickets(ticket: Ticket, agent: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        change_tier(ticket=ticket, actor=agent, tier=Tier.SELF_SERVICE, note="Read the FAQ")
    assert set(refused.value.errors) == {"tier"}


def test_a_closed_ticket_stays_at_its_tier(ticket: Ticket, agent: User, consultants: Team) -> None:
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    change_status(ticket=ticket, actor=agent, status=Status.CLOSED)
    with pytest.raises(InvalidTransition):
        change_tier(ticket=ticket, actor=agent, tier=Tier.FUNCTIONAL, handover=NOTE)


def test_a_tier_one_agent_resolves_a_common_problem_without_a_handover(
    ticket: Ticket, agent: User
) -> None:
    ticket = change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    assert (ticket.status, ticket.tier, ticket.assignee) == (
        Status.RESOLVED,
        Tier.SERVICE_DESK,
        agent,
    )
    assert not ticket.events.filter(kind=EventKind.TIER_CHANGED).exists()


# Owners now and before ----------------------------------------------------------------


def test_the_ticket_shows_who_owns_it_now_and_who_owned_it_before(
    ticket: Ticket, agent: User, tier2_agent: User, consultants: Team
) -> None:
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        change_tier(ticket=ticket, actor=agent, tier=Tier.FUNCTIONAL, handover=NOTE)
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        take_ticket(ticket=ticket, actor=tier2_agent)
    history = ownership_history(ticket)
    assert [(stretch.owner, stretch.since, stretch.until) for stretch in history] == [
        (agent, T0, T0 + timedelta(hours=1)),
        (tier2_agent, T0 + timedelta(hours=2), None),
    ]
    before = previous_owner(history)
    assert before is not None
    assert before.owner == agent


def test_the_previous_owner_is_the_last_different_person(
    ticket: Ticket, agent: User, tier2_agent: User
) -> None:
    assign_ticket(ticket=ticket, actor=agent, assignee=tier2_agent, reason="Config work")
    assign_ticket(ticket=ticket, actor=tier2_agent, assignee=agent, reason="Back to you")
    history = ownership_history(ticket)
    assert [stretch.owner for stretch in history] == [agent, tier2_agent, agent]
    assert history[1].reason == "Config work"
    assert history[1].assigned_by == agent
    before = previous_owner(history)
    assert before is not None
    assert before.owner == tier2_agent


def test_a_ticket_never_owned_has_no_history(requester: User) -> None:
    ticket = factories.ticket(requester)
    assert ownership_history(ticket) == []
    assert previous_owner([]) is None


def test_handover_notes_are_for_support_staff(
    ticket: Ticket, agent: User, requester: User, consultants: Team
) -> None:
    change_tier(ticket=ticket, actor=agent, tier=Tier.FUNCTIONAL, handover=NOTE)
    [note] = handovers(agent, ticket)
    assert (note.tried, note.findings, note.needed) == (NOTE.tried, NOTE.findings, NOTE.needed)
    assert list(handovers(requester, ticket)) == []
    assert list(handovers(factories.agent(Role.TIER3), ticket)) == [note]


def test_the_note_of_a_move_down_is_internal_unless_made_public(
    ticket: Ticket, agent: User, tier2_agent: User, consultants: Team, desk: Team
) -> None:
    change_tier(ticket=ticket, actor=agent, tier=Tier.FUNCTIONAL, handover=NOTE)
    change_tier(ticket=ticket, actor=tier2_agent, tier=Tier.SERVICE_DESK, note="A how-to.")
    change_tier(ticket=ticket, actor=agent, tier=Tier.FUNCTIONAL, handover=NOTE)
    change_tier(
        ticket=ticket,
        actor=tier2_agent,
        tier=Tier.SERVICE_DESK,
        note="Shown to you: it is a training question.",
        note_is_public=True,
    )
    moves = ticket.events.filter(kind=EventKind.TIER_CHANGED).order_by("pk")
    assert [(move.new_value, move.is_internal) for move in moves] == [
        ("2", False),
        ("1", True),
        ("2", False),
        ("1", False),
    ]
    seen = [event.reason for event in timeline(ticket.requester, ticket) if event.reason]
    assert "A how-to." not in seen
    assert "Shown to you: it is a training question." in seen

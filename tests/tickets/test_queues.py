from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import (
    TeamCount,
    TicketFilters,
    default_queue,
    queue,
    queue_counts,
    team_counts,
    ticket_list,
    visible_tickets_among,
)
from hypercare.tickets.services.workflow import assign_ticket, change_status
from tests import factories


def test_queues_hold_open_tickets_by_owner_and_team(
    agent: User, tier2_agent: User, requester: User
) -> None:
    desk = factories.team("Desk")
    desk.members.add(agent)
    mine = factories.ticket(requester)
    assign_ticket(ticket=mine, actor=agent, assignee=agent)
    teams = factories.ticket(requester)
    Ticket.objects.filter(pk=teams.pk).update(team=desk)
    theirs = factories.ticket(requester)
    assign_ticket(ticket=theirs, actor=agent, assignee=tier2_agent)
    done = factories.ticket(requester)
    change_status(ticket=done, actor=agent, status=Status.RESOLVED)

    def pks(name: str, **filters: Any) -> set[int]:
        return {t.pk for t in queue(agent, name, TicketFilters(**filters))}

    assert pks("mine") == {mine.pk}
    assert pks("team") == {teams.pk}
    assert pks("unassigned") == {teams.pk}
    assert pks("all") == {mine.pk, teams.pk, theirs.pk}
    assert pks("all", status=(Status.RESOLVED,)) == {done.pk}
    assert queue_counts(agent) == {"mine": 1, "team": 1, "unassigned": 1, "all": 3}


def test_my_teams_counts_every_team_led_or_joined(
    agent: User, tier2_agent: User, requester: User
) -> None:
    led = factories.team("Led", lead=agent)
    joined = factories.team("Joined")
    joined.members.add(agent)
    elsewhere = factories.team("Elsewhere")
    for team in (led, joined, joined, elsewhere):
        Ticket.objects.filter(pk=factories.ticket(requester).pk).update(team=team)
    owned = Ticket.objects.filter(team=joined).first()
    assert owned is not None
    assign_ticket(ticket=owned, actor=agent, assignee=tier2_agent)

    assert queue_counts(agent)["team"] == 3
    assert team_counts(agent) == [
        TeamCount(team=joined, open=2, unassigned=1, breached=0),
        TeamCount(team=led, open=1, unassigned=1, breached=0),
    ]
    assert default_queue(agent) == "mine"


def test_a_support_manager_lands_on_every_team_s_queue(requester: User) -> None:
    manager = factories.agent(Role.SUPPORT_MANAGER, username="meera")
    desk, payroll = factories.team("Desk"), factories.team("HR & Payroll")
    for team in (desk, payroll):
        Ticket.objects.filter(pk=factories.ticket(requester).pk).update(team=team)
    factories.ticket(requester)  # routed nowhere: in no team's queue

    assert default_queue(manager) == "team"
    assert queue_counts(manager) == {"mine": 0, "team": 2, "unassigned": 3, "all": 3}
    assert [(row.team, row.open) for row in team_counts(manager)] == [(desk, 1), (payroll, 1)]


def test_queue_counts_take_one_query(
    agent: User, requester: User, django_assert_num_queries: Any
) -> None:
    factories.ticket(requester)
    assert agent.roles  # loaded once per request in real use
    with django_assert_num_queries(1):
        queue_counts(agent)


def test_requested_by_me_covers_tickets_reported_for_others(
    key_user: User, requester: User
) -> None:
    reported = factories.ticket(requester, actor=key_user)
    factories.ticket(requester)
    mine = ticket_list(key_user, TicketFilters(requested_by_me=True))
    assert [t.pk for t in mine] == [reported.pk]


def test_tickets_among_refuses_when_any_is_hidden(outsider: User, requester: User) -> None:
    visible = factories.ticket(outsider)
    hidden = factories.ticket(requester)
    assert visible_tickets_among(outsider, [visible.pk]) == [visible]
    with pytest.raises(NotFound):
        visible_tickets_among(outsider, [visible.pk, hidden.pk])

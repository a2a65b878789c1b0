"""The survey world: Northfield's requester with a ticket the service desk (led by Lena)
resolves, a second team with its own lead, and a support manager; time stands still."""

from datetime import UTC, datetime
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.models import Team
from hypercare.surveys.models import Survey
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.workflow import assign_ticket, change_status
from tests import factories

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def lead(db: None) -> User:
    return factories.agent(Role.TIER1, username="lena", first_name="Lena", email="lena@desk.test")


@pytest.fixture
def desk_team(lead: User, agent: User) -> Team:
    team = factories.team("Service desk", lead=lead)
    team.members.add(agent)
    return team


@pytest.fixture
def other_lead(db: None) -> User:
    other = factories.agent(Role.TIER2, username="otto", first_name="Otto")
    factories.team("Finance consultants", lead=other)
    return other


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="meera", email="meera@desk.test")


def resolve(ticket: Ticket, agent: User, team: Team | None = None) -> Ticket:
    """Give the ticket to ``agent`` (in ``team``) and resolve it."""
    if team is not None:
        Ticket.objects.filter(pk=ticket.pk).update(team=team)
        ticket.refresh_from_db()
    assign_ticket(ticket=ticket, actor=agent, assignee=agent, reason="")
    return change_status(ticket=ticket, actor=agent, status=Status.RESOLVED, reason="Fixed.")


@pytest.fixture
def survey(requester: User, agent: User, desk_team: Team) -> Survey:
    ticket = resolve(factories.ticket(requester), agent, desk_team)
    return Survey.objects.get(ticket=ticket)

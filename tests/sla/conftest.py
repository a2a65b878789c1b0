"""Personas and helpers for the SLA tests: frozen time, a team, a manager, rated tickets.

Targets of the default policy (around the clock): critical 15 min / 4 h, high 2 h / 24 h,
medium 8 h / 3 days, low 2 days / next release; warnings at 75 % of the target.
"""

from datetime import UTC, datetime
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.models import Team
from hypercare.tickets.models import RoutingRule, Ticket
from hypercare.tickets.services.workflow import assign_ticket
from tests import factories

MONDAY_9 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
# urgency, impact for each priority of the ITIL matrix.
RATED = {
    "critical": ("high", "high"),
    "high": ("medium", "high"),
    "medium": ("medium", "medium"),
    "low": ("medium", "low"),
}


@pytest.fixture
def traveller(time_machine: Any) -> Any:
    time_machine.move_to(MONDAY_9, tick=False)
    return time_machine


@pytest.fixture
def manager(db: None) -> User:
    return factories.user(Role.SUPPORT_MANAGER, username="sofia")


@pytest.fixture
def lead(db: None) -> User:
    return factories.agent(Role.TIER1, username="lena")


@pytest.fixture
def escalation_manager(db: None) -> User:
    return factories.user(Role.ESCALATION_MANAGER, username="esme")


@pytest.fixture
def team(lead: User, agent: User) -> Team:
    """The service desk, where every new ticket is routed."""
    desk = factories.team("Service desk", lead=lead)
    desk.members.add(agent, lead)
    RoutingRule.objects.create(team=desk)
    return desk


def rated(requester: User, priority: str, **kwargs: Any) -> Ticket:
    urgency, impact = RATED[priority]
    return factories.ticket(requester, urgency=urgency, impact=impact, **kwargs)


def owned(requester: User, priority: str, agent: User) -> Ticket:
    """A new ticket of ``priority``, routed to the service desk and assigned to ``agent``."""
    return assign_ticket(ticket=rated(requester, priority), actor=agent, assignee=agent)


def working_hours_form(hours: dict[str, list[tuple[str, str]]]) -> dict[str, str]:
    """The calendar page's weekday table as a browser posts it; days left out are closed."""
    form = {}
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        shifts = list(hours.get(day, []))
        shifts += [("", "")] * (2 - len(shifts))
        for index, (start, end) in enumerate(shifts):
            form[f"working_hours_{day}_{index}_start"] = start
            form[f"working_hours_{day}_{index}_end"] = end
    return form

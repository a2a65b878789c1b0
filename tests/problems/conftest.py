"""Personas for the problem tests: a tier 3 owner, a manager and a few tickets."""

from datetime import UTC, datetime
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.incidents.models import MajorIncident
from hypercare.incidents.services import Declaration, declare_major_incident
from hypercare.orgs.choices import ModuleCode
from hypercare.problems.models import Problem
from hypercare.problems.services.records import ProblemDetails, create_problem
from hypercare.tickets.models import Ticket
from tests import factories

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
WORKAROUND = "Pay at the bursar's desk until the gateway is fixed."


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def engineer(db: None) -> User:
    return factories.agent(Role.TIER3, username="tess")


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="sofia")


@pytest.fixture
def tickets(requester: User, outsider: User) -> dict[str, Ticket]:
    """The same fault reported at two institutions."""
    return {
        "northfield": factories.ticket(requester, title="Fee payment fails"),
        "southbank": factories.ticket(outsider, title="Card payment times out"),
    }


@pytest.fixture
def problem(agent: User, tickets: dict[str, Ticket]) -> Problem:
    return create_problem(
        actor=agent,
        details=ProblemDetails(title="Payment gateway drops callbacks", workaround=WORKAROUND),
        tickets=list(tickets.values()),
    )


@pytest.fixture
def incident(manager: User, tickets: dict[str, Ticket]) -> MajorIncident:
    """The outage the problem caused, at both institutions."""
    return declare_major_incident(
        actor=manager,
        declaration=Declaration(
            title="Fee payments failing",
            module_code=ModuleCode.FEES,
            integration_kind="",
            impact="Nobody can pay fees online.",
            institutions=[ticket.institution for ticket in tickets.values()],
            started_at=T0,
            update_every_hours=1,
        ),
    )

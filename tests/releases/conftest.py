"""Personas for the release tests: a support manager, a planned release, rated tickets.

The default SLA policy gives low-priority tickets a resolution target of "next release"
and medium ones 3 days, around the clock.
"""

from datetime import UTC, date, datetime
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.releases.models import Release
from hypercare.releases.services import create_release
from hypercare.tickets.models import Ticket
from tests import factories

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
# urgency, impact for the two priorities these tests use.
RATED = {"low": ("medium", "low"), "medium": ("medium", "medium")}


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="sofia")


@pytest.fixture
def release(manager: User) -> Release:
    return create_release(
        actor=manager, version="2025.3", planned_date=date(2025, 4, 14), notes="Fee fixes."
    )


@pytest.fixture
def later_release(manager: User) -> Release:
    return create_release(actor=manager, version="2025.4")


def rated(requester: User, priority: str, **kwargs: Any) -> Ticket:
    urgency, impact = RATED[priority]
    return factories.ticket(requester, urgency=urgency, impact=impact, **kwargs)


@pytest.fixture
def low_ticket(requester: User) -> Ticket:
    return rated(requester, "low")

"""Personas for the change tests: Northfield's Finance owner, a support manager, a
configuration ticket asking for a change, and a change ready to submit."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.changes.choices import ChangeKind
from hypercare.changes.models import ChangeRequest
from hypercare.changes.services.common import RiskAnswers
from hypercare.changes.services.records import ChangeDetails, create_change
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket
from tests import factories

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
WINDOW = (T0 + timedelta(days=4), T0 + timedelta(days=4, hours=2))
CONFIGURATION = {
    "area": "workflow",
    "current_behaviour": "Refunds need no approval.",
    "wanted_behaviour": "Refunds over 500 need the bursar's approval.",
}


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def finance_owner(institution: Institution) -> User:
    owner = factories.user(
        Role.MODULE_OWNER,
        institution=institution,
        username="rao",
        first_name="Asha",
        last_name="Rao",
    )
    factories.module(institution, ModuleCode.FINANCE).owners.add(owner)
    return owner


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="sofia", first_name="Sofia")


@pytest.fixture
def config_ticket(requester: User) -> Ticket:
    return factories.ticket(
        requester,
        title="Refunds need an approval step",
        category=Category.CONFIGURATION,
        category_details=CONFIGURATION,
    )


def details(institution: Institution, **changes: Any) -> ChangeDetails:
    values: dict[str, Any] = {
        "title": "Refund approval step",
        "kind": ChangeKind.CONFIGURATION,
        "plan": "Add the approval step to the refund workflow.",
        "rollback_plan": "Remove the step again.",
        "window_start": WINDOW[0],
        "window_end": WINDOW[1],
        "modules": [factories.module(institution, ModuleCode.FINANCE)],
        **changes,
    }
    return ChangeDetails(**values)


@pytest.fixture
def change(
    agent: User, institution: Institution, config_ticket: Ticket, finance_owner: User
) -> ChangeRequest:
    return create_change(actor=agent, details=details(institution), tickets=[config_ticket])


HIGH = RiskAnswers(touches_finance_or_exam_data=True, reversible_in_minutes=False)

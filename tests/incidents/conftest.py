"""An outage of the payment gateway: a Northfield ticket and a Southbank ticket, the
people on both sides, and a support manager to declare the major incident."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.incidents.models import MajorIncident
from hypercare.incidents.services import Declaration, declare_major_incident
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket
from tests import factories

T0 = datetime(2025, 4, 7, 10, 40, tzinfo=UTC)
TITLE = "Fee payments failing"


@dataclass
class Outage:
    northfield: Institution
    southbank: Institution
    riya: User
    sam: User
    northfield_admin: User
    southbank_admin: User
    manager: User
    riya_ticket: Ticket
    sam_ticket: Ticket


def payment_ticket(requester: User, title: str) -> Ticket:
    assert requester.institution is not None
    gateway = factories.integration(requester.institution, kind="payment")
    return factories.ticket(
        requester,
        title=title,
        module_code=ModuleCode.FEES,
        category=Category.INTEGRATION,
        category_details={"integration_id": gateway.pk, "transaction_reference": "TXN-1"},
    )


@pytest.fixture
def outage(time_machine: Any, institution: Institution, other_institution: Institution) -> Outage:
    time_machine.move_to(T0 + timedelta(minutes=20), tick=False)
    riya = factories.requester(institution, username="riya", first_name="Riya")
    sam = factories.requester(other_institution, username="sam", first_name="Sam")
    return Outage(
        northfield=institution,
        southbank=other_institution,
        riya=riya,
        sam=sam,
        northfield_admin=factories.user(
            Role.INSTITUTION_ADMIN, institution=institution, username="ines"
        ),
        southbank_admin=factories.user(
            Role.INSTITUTION_ADMIN, institution=other_institution, username="sbadmin"
        ),
        manager=factories.agent(Role.SUPPORT_MANAGER, username="meera", first_name="Meera"),
        riya_ticket=payment_ticket(riya, "Northfield hostel fees will not go through"),
        sam_ticket=payment_ticket(sam, "Southbank card payment refused"),
    )


def declaration(**changes: Any) -> Declaration:
    fields: dict[str, Any] = {
        "title": TITLE,
        "module_code": ModuleCode.FEES,
        "integration_kind": "payment",
        "impact": "Students cannot pay fees online.",
        "institutions": [],
        "started_at": T0,
        "update_every_hours": 1,
    }
    fields.update(changes)
    return Declaration(**fields)


@pytest.fixture
def incident(outage: Outage) -> MajorIncident:
    """Declared from Riya's ticket, so Northfield's; Southbank's not attached yet."""
    return declare_major_incident(
        actor=outage.manager, declaration=declaration(), from_ticket=outage.riya_ticket
    )

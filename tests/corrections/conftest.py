"""Personas for the data-correction tests: the data owner named at intake, a correction
ticket, and a record written, asked for and signed off."""

from datetime import UTC, datetime
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.corrections import services
from hypercare.corrections.choices import Decision
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Ticket
from tests import factories

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
CONTENT = factories.CORRECTION


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def data_owner(institution: Institution) -> User:
    return factories.user(
        Role.DATA_OWNER,
        institution=institution,
        username="arao",
        first_name="Anil",
        last_name="Rao",
    )


@pytest.fixture
def ticket(requester: User, data_owner: User, agent: User) -> Ticket:
    made = factories.data_correction(requester, data_owner)
    Ticket.objects.filter(pk=made.pk).update(assignee=agent)
    made.refresh_from_db()
    return made


@pytest.fixture
def asked(ticket: Ticket, agent: User) -> Ticket:
    """A written record whose sign-off is asked for."""
    services.write_correction_record(ticket=ticket, actor=agent, content=CONTENT)
    services.request_sign_off(ticket=ticket, actor=agent)
    return ticket


@pytest.fixture
def signed(asked: Ticket, data_owner: User) -> Ticket:
    services.decide_sign_off(
        ticket=asked, actor=data_owner, decision=Decision.SIGNED_OFF, comment="Checked."
    )
    return asked

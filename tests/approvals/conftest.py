"""A world where something waits at each institution: an access request for its approval
owner, a change for its Finance module's approver (Northfield's owner; Southbank's Finance
has no owner, so its change falls to the support manager) and a data correction for the
data owner it names."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hypercare.access_requests.models import AccessRequest
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.changes.models import ChangeRequest
from hypercare.changes.services.records import ChangeDetails, create_change, submit_change
from hypercare.corrections.services import request_sign_off, write_correction_record
from hypercare.lib import clock
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Ticket
from tests import factories
from tests.access_requests import builders

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
SIDES = ("north", "south")


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    """Each test starts on 3 December 2026, 09:00 UTC, after the digest's hour."""
    time_machine.move_to(T0, tick=False)


@dataclass
class Waits:
    people: dict[str, User]
    access: dict[str, AccessRequest]
    changes: dict[str, ChangeRequest]
    corrections: dict[str, Ticket]

    def references(self, side: str) -> set[str]:
        """Every reference of what waits at one institution."""
        return {
            self.access[side].reference,
            self.changes[side].reference,
            self.corrections[side].reference,
        }


def _person(role: str, institution: Institution, username: str, name: str) -> User:
    first, last = name.split()
    return factories.user(
        role, institution=institution, username=username, first_name=first, last_name=last
    )


@pytest.fixture
def waits(
    institution: Institution,
    other_institution: Institution,
    requester: User,
    agent: User,
) -> Waits:
    people = {
        "north_approver": builders.approval_owner(institution, username="aoife"),
        "north_module_owner": _person(Role.MODULE_OWNER, institution, "rao", "Asha Rao"),
        "north_data_owner": _person(Role.DATA_OWNER, institution, "dora", "Dora Dunn"),
        "south_approver": _person(Role.APPROVAL_OWNER, other_institution, "sade", "Sade Ade"),
        "south_data_owner": _person(Role.DATA_OWNER, other_institution, "sol", "Sol Banks"),
        "manager": factories.agent(Role.SUPPORT_MANAGER, username="meera"),
        "north_requester": requester,
        "south_requester": factories.requester(other_institution, username="sam"),
    }
    factories.module(institution, ModuleCode.FINANCE).owners.add(people["north_module_owner"])
    sides = {"north": institution, "south": other_institution}
    access, changes, corrections = {}, {}, {}
    for side, place in sides.items():
        asker = people[f"{side}_requester"]
        access[side] = builders.requested(asker, agent, person_name=f"Person at {place.slug}")
        changes[side] = submitted_change(agent, place)
        corrections[side] = asked_correction(asker, people[f"{side}_data_owner"], agent)
    return Waits(people, access, changes, corrections)


def submitted_change(agent: User, institution: Institution) -> ChangeRequest:
    start = clock.now() + timedelta(days=4)
    details = ChangeDetails(
        title=f"Refund step at {institution.slug}",
        plan="Add the approval step.",
        rollback_plan="Remove it.",
        window_start=start,
        window_end=start + timedelta(hours=2),
        modules=[factories.module(institution, ModuleCode.FINANCE)],
    )
    change = create_change(actor=agent, details=details)
    return submit_change(change=change, actor=agent)


def asked_correction(requester: User, data_owner: User, agent: User) -> Ticket:
    ticket = factories.data_correction(
        requester, data_owner, title=f"Wrong dates of birth at {requester.institution}"
    )
    write_correction_record(ticket=ticket, actor=agent, content=factories.CORRECTION)
    request_sign_off(ticket=ticket, actor=agent)
    return ticket

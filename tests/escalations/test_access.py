"""The access policy's escalation and availability rules, role by role."""

import pytest

from hypercare import access
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.escalations.models import Escalation
from hypercare.tickets.models import Ticket
from tests import factories


@pytest.mark.parametrize(
    ("persona", "may"),
    [
        ("requester", True),
        ("institution_admin", True),
        ("agent", True),
        ("colleague", False),
        ("key_user", False),
        ("outsider", False),
    ],
)
def test_who_may_request_an_escalation(
    request: pytest.FixtureRequest, ticket: Ticket, persona: str, may: bool
) -> None:
    assert access.can_request_escalation(request.getfixturevalue(persona), ticket) is may


def test_a_deactivated_requester_may_not_request(ticket: Ticket, requester: User) -> None:
    User.objects.filter(pk=requester.pk).update(is_active=False)
    requester.refresh_from_db()
    assert access.can_request_escalation(requester, ticket) is False
    assert not Escalation.objects.filter(access.escalation_scope(requester)).exists()


@pytest.mark.parametrize(
    ("role", "handle", "raise_to_2", "raise_to_3"),
    [
        (Role.TIER1, False, False, False),
        (Role.TIER3, False, False, False),
        (Role.ESCALATION_MANAGER, True, True, False),
        (Role.SUPPORT_MANAGER, True, True, True),
        (Role.ADMIN, True, True, True),
    ],
)
def test_who_may_handle_raise_and_de_escalate(
    db: None, role: str, handle: bool, raise_to_2: bool, raise_to_3: bool
) -> None:
    person = factories.agent(role)
    assert access.can_handle_escalation(person) is handle
    assert access.can_de_escalate(person) is handle
    assert access.can_raise_escalation_level(person, 2) is raise_to_2
    assert access.can_raise_escalation_level(person, 3) is raise_to_3


def test_institution_users_never_handle_escalations(institution_admin: User) -> None:
    assert not access.can_handle_escalation(institution_admin)
    assert not access.can_raise_escalation_level(institution_admin, 2)
    assert not access.can_be_escalation_manager(institution_admin)


def test_availability_is_set_by_the_agent_their_lead_or_a_manager(
    agent: User, tier2_agent: User, requester: User
) -> None:
    lead = factories.agent(Role.TIER2)
    factories.team(lead=lead).members.add(agent)
    assert access.can_set_availability(agent, agent)
    assert access.can_set_availability(lead, agent)
    assert access.can_set_availability(factories.agent(Role.SUPPORT_MANAGER), agent)
    assert not access.can_set_availability(tier2_agent, agent)
    assert not access.can_set_availability(lead, tier2_agent)
    assert not access.can_set_availability(requester, requester)

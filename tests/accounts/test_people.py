"""An institution admin's people through the services: institution roles only, their own
institution only, and always an active admin left."""

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import RoleGrant, User
from hypercare.accounts.people import set_institution_roles, set_person_active
from hypercare.accounts.services import authenticate_token, issue_token
from hypercare.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from hypercare.orgs.models import Institution
from tests import factories


@pytest.fixture
def admin(institution: Institution) -> User:
    return factories.user(Role.INSTITUTION_ADMIN, institution=institution, username="ines")


def _roles(user: User) -> set[str]:
    return set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))


def test_an_admin_sets_a_colleagues_institution_roles(admin: User, requester: User) -> None:
    changed = set_institution_roles(
        person_id=requester.pk, roles=[Role.KEY_USER, Role.APPROVAL_OWNER], actor=admin
    )
    assert changed.roles == {Role.KEY_USER, Role.APPROVAL_OWNER}
    assert _roles(requester) == {Role.KEY_USER, Role.APPROVAL_OWNER}


@pytest.mark.parametrize("role", [Role.TIER1, Role.SUPPORT_MANAGER, Role.ADMIN])
def test_an_admin_never_grants_a_support_role(admin: User, requester: User, role: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        set_institution_roles(person_id=requester.pk, roles=[Role.REQUESTER, role], actor=admin)
    assert "support roles belong to the desk" in refused.value.errors["roles"]
    assert _roles(requester) == {Role.REQUESTER}
    requester.refresh_from_db()
    assert not requester.is_staff
    assert not requester.is_superuser


def test_an_admin_cannot_touch_another_institutions_people(
    admin: User, outsider: User, other_institution: Institution
) -> None:
    southbank = factories.requester(other_institution, username="sam")
    agent = factories.agent()
    for person in (southbank, outsider, agent):
        with pytest.raises(NotFound):
            set_institution_roles(person_id=person.pk, roles=[Role.KEY_USER], actor=admin)
        with pytest.raises(NotFound):
            set_person_active(person_id=person.pk, active=False, actor=admin)
        person.refresh_from_db()
        assert person.is_active
    assert _roles(southbank) == {Role.REQUESTER}


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.KEY_USER])
def test_only_an_institution_admin_manages_people(
    institution: Institution, requester: User, role: str
) -> None:
    someone = factories.user(role, institution=institution)
    with pytest.raises(NotAllowed):
        set_institution_roles(person_id=requester.pk, roles=[Role.KEY_USER], actor=someone)
    with pytest.raises(NotAllowed):
        set_person_active(person_id=requester.pk, active=False, actor=someone)


def test_an_inactive_admin_manages_nobody(admin: User, requester: User) -> None:
    User.objects.filter(pk=admin.pk).update(is_active=False)
    admin.refresh_from_db()
    with pytest.raises(NotAllowed):
        set_person_active(person_id=requester.pk, active=False, actor=admin)


def test_a_deactivated_person_signs_in_no_more_and_is_reactivated(
    admin: User, requester: User
) -> None:
    _, plain = issue_token(user=requester, name="script")
    set_person_active(person_id=requester.pk, active=False, actor=admin)
    requester.refresh_from_db()
    assert not requester.is_active
    assert authenticate_token(plain) is None
    set_person_active(person_id=requester.pk, active=True, actor=admin)
    assert authenticate_token(plain) == requester


def test_an_admin_never_deactivates_themselves(admin: User, institution: Institution) -> None:
    factories.user(Role.INSTITUTION_ADMIN, institution=institution, username="other")
    with pytest.raises(NotAllowed, match="yourself"):
        set_person_active(person_id=admin.pk, active=False, actor=admin)
    admin.refresh_from_db()
    assert admin.is_active


def test_the_last_active_admin_keeps_the_admin_role(admin: User) -> None:
    with pytest.raises(InvalidTransition, match="last active admin"):
        set_institution_roles(person_id=admin.pk, roles=[Role.KEY_USER], actor=admin)
    assert _roles(admin) == {Role.INSTITUTION_ADMIN}


def test_with_another_admin_an_admin_may_step_down_or_be_deactivated(
    admin: User, institution: Institution
) -> None:
    other = factories.user(Role.INSTITUTION_ADMIN, institution=institution, username="other")
    set_person_active(person_id=other.pk, active=False, actor=admin)
    # The other admin is inactive now: the last active admin is ``admin``.
    with pytest.raises(InvalidTransition):
        set_institution_roles(person_id=admin.pk, roles=[Role.REQUESTER], actor=admin)
    set_person_active(person_id=other.pk, active=True, actor=admin)
    set_institution_roles(person_id=admin.pk, roles=[Role.REQUESTER], actor=admin)
    assert _roles(admin) == {Role.REQUESTER}

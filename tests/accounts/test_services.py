"""Creating people with their roles, and personal API tokens."""

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from pytest_django import DjangoAssertNumQueries

from hypercare.accounts.choices import INSTITUTION_ROLES, SUPPORT_ROLES, Role
from hypercare.accounts.models import ApiToken, User
from hypercare.accounts.services import (
    authenticate_token,
    create_user,
    issue_token,
    revoke_token,
    update_profile,
)
from hypercare.errors import NotAllowed, NotFound, ValidationFailed
from hypercare.orgs.models import Institution
from tests import factories

T0 = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def _create(username: str = "asha", **kwargs: Any) -> User:
    fields: dict[str, Any] = {
        "email": f"{username}@example.edu",
        "password": factories.PASSWORD,
        "roles": [Role.REQUESTER],
    }
    fields.update(kwargs)
    return create_user(username=username, **fields)


def _refusal(**kwargs: Any) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        _create(**kwargs)
    return refused.value.errors


# create_user --------------------------------------------------------------------------


def test_institution_user_is_created_with_roles_and_profile(institution: Institution) -> None:
    user = _create(
        roles=[Role.REQUESTER, Role.DATA_OWNER],
        institution=institution,
        first_name="Asha",
        last_name="Rao",
        erp_role="Accounts officer",
    )
    user = User.objects.get(pk=user.pk)
    assert user.roles == {Role.REQUESTER, Role.DATA_OWNER}
    assert user.institution == institution
    assert (user.display_name, user.erp_role) == ("Asha Rao", "Accounts officer")
    assert user.check_password(factories.PASSWORD)
    assert user.is_institution_user
    assert not user.is_support_staff
    assert not user.is_staff
    assert not user.is_superuser


def test_support_user_has_no_institution() -> None:
    user = _create("tara", roles=[Role.TIER1, Role.ESCALATION_MANAGER])
    assert user.institution is None
    assert user.is_support_staff
    assert not user.is_institution_user
    assert not user.is_staff


def test_system_admin_may_use_the_django_admin() -> None:
    user = _create("root", roles=[Role.ADMIN])
    assert user.is_staff
    assert user.is_superuser


@pytest.mark.parametrize("role", sorted(INSTITUTION_ROLES))
def test_institution_roles_need_an_institution(role: str) -> None:
    assert "institution" in _refusal(roles=[role])
    assert not User.objects.exists()


@pytest.mark.parametrize("role", sorted(SUPPORT_ROLES))
def test_support_roles_refuse_an_institution(institution: Institution, role: str) -> None:
    assert "roles" in _refusal(roles=[role], institution=institution)
    assert not User.objects.filter(username="asha").exists()


def test_mixing_institution_and_support_roles_is_refused(institution: Institution) -> None:
    assert "roles" in _refusal(roles=[Role.REQUESTER, Role.TIER1], institution=institution)
    assert "institution" in _refusal(roles=[Role.REQUESTER, Role.TIER1])


def test_unknown_role_is_refused_by_name(institution: Institution) -> None:
    errors = _refusal(roles=[Role.REQUESTER, "superhero"], institution=institution)
    assert "superhero" in errors["roles"]


def test_a_person_needs_a_role() -> None:
    assert "roles" in _refusal(roles=[])


@pytest.mark.parametrize("taken", ["riya", "Riya", "RIYA"])
def test_duplicate_username_is_refused_whatever_its_case(
    institution: Institution, requester: User, taken: str
) -> None:
    errors = _refusal(username=taken, institution=institution)
    assert errors == {"username": "is already taken"}
    assert User.objects.filter(username__iexact="riya").count() == 1


@pytest.mark.parametrize("username", ["", "has space", "semi;colon", "x" * 151])
def test_malformed_username_is_refused(institution: Institution, username: str) -> None:
    assert "username" in _refusal(username=username, institution=institution)
    assert not User.objects.exists()


def test_malformed_email_is_refused(institution: Institution) -> None:
    assert "email" in _refusal(email="not-an-address", institution=institution)


def test_email_may_be_left_out(institution: Institution) -> None:
    assert _create(email="", institution=institution).email == ""


# Tokens -------------------------------------------------------------------------------


def test_token_plain_text_is_returned_once_and_only_its_digest_is_stored(
    requester: User,
) -> None:
    token, plain = issue_token(user=requester, name="  Finance export  ")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.name == "Finance export"
    assert stored.digest == hashlib.sha256(plain.encode()).hexdigest()
    assert plain.startswith(f"hc_{stored.prefix}_")
    row_values = [str(value) for value in ApiToken.objects.values().get(pk=token.pk).values()]
    assert not any(
        plain in value or plain[len(stored.prefix) + 4 :] in value for value in row_values
    )
    assert stored.is_active
    assert stored.last_used_at is None


def test_each_token_is_different(requester: User) -> None:
    plains = {issue_token(user=requester, name="t")[1] for _ in range(5)}
    assert len(plains) == 5


@pytest.mark.parametrize("name", ["", "   "])
def test_token_needs_a_name(requester: User, name: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        issue_token(user=requester, name=name)
    assert "name" in refused.value.errors
    assert not ApiToken.objects.exists()


def test_token_authenticates_its_user(requester: User) -> None:
    _, plain = issue_token(user=requester, name="script")
    assert authenticate_token(plain) == requester


def test_wrong_secret_with_a_real_prefix_is_refused(requester: User) -> None:
    token, plain = issue_token(user=requester, name="script")
    forged = f"hc_{token.prefix}_{'A' * 43}"
    assert forged != plain
    assert authenticate_token(forged) is None
    assert authenticate_token(plain[:-1]) is None
    assert authenticate_token(plain + "x") is None


@pytest.mark.parametrize(
    "plain", ["", "hc_", "hc_nounderscore", "Bearer hc_abc_def", "xx_abc_def", "hc__", "✓"]
)
def test_malformed_tokens_are_refused(requester: User, plain: str) -> None:
    issue_token(user=requester, name="script")
    assert authenticate_token(plain) is None


def test_revoked_token_is_refused(requester: User) -> None:
    token, plain = issue_token(user=requester, name="script")
    with time_machine.travel(T0, tick=False):
        revoked = revoke_token(token_id=token.pk, actor=requester)
    assert revoked.revoked_at == T0
    assert ApiToken.objects.get(pk=token.pk).is_active is False
    assert authenticate_token(plain) is None


def test_revoking_twice_is_refused(requester: User) -> None:
    token, _ = issue_token(user=requester, name="script")
    revoke_token(token_id=token.pk, actor=requester)
    with pytest.raises(NotAllowed):
        revoke_token(token_id=token.pk, actor=requester)


def test_others_may_not_revoke_my_token(requester: User, colleague: User, agent: User) -> None:
    token, plain = issue_token(user=requester, name="script")
    for actor in (colleague, agent):
        with pytest.raises(NotFound):
            revoke_token(token_id=token.pk, actor=actor)
    admin = factories.agent(Role.ADMIN)
    revoke_token(token_id=token.pk, actor=admin)
    assert authenticate_token(plain) is None


def test_inactive_users_token_is_refused(requester: User) -> None:
    _, plain = issue_token(user=requester, name="script")
    requester.is_active = False
    requester.save()
    assert authenticate_token(plain) is None


def test_last_used_at_is_updated_at_most_once_a_minute(requester: User) -> None:
    token, plain = issue_token(user=requester, name="script")

    def last_used() -> datetime | None:
        return ApiToken.objects.get(pk=token.pk).last_used_at

    with time_machine.travel(T0, tick=False):
        authenticate_token(plain)
    assert last_used() == T0
    with time_machine.travel(T0 + timedelta(seconds=59), tick=False):
        authenticate_token(plain)
    assert last_used() == T0
    with time_machine.travel(T0 + timedelta(seconds=61), tick=False):
        authenticate_token(plain)
    assert last_used() == T0 + timedelta(seconds=61)


def test_authentication_writes_nothing_within_the_minute(
    requester: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _, plain = issue_token(user=requester, name="script")
    with time_machine.travel(T0, tick=False):
        authenticate_token(plain)
    with (
        time_machine.travel(T0 + timedelta(seconds=30), tick=False),
        django_assert_num_queries(1),
    ):
        authenticate_token(plain)


def test_a_profile_keeps_names_and_a_known_zone(agent: User) -> None:
    update_profile(user=agent, first_name=" Tara ", last_name="Iyer", time_zone="Asia/Kolkata")

    agent.refresh_from_db()
    assert (agent.display_name, agent.viewing_time_zone) == ("Tara Iyer", "Asia/Kolkata")


def test_a_profile_refuses_an_unknown_zone_and_a_bad_name_together(agent: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        update_profile(user=agent, first_name="Ta\x00ra", last_name="", time_zone="Mars/Base")

    assert set(refused.value.errors) == {"first_name", "time_zone"}
    assert refused.value.errors["time_zone"] == "Choose a time zone from the list."
    agent.refresh_from_db()
    assert (agent.first_name, agent.time_zone) == ("", "")

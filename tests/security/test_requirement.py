"""Who must use a second factor, and what happens to them before they have one."""

import pytest
from django.conf import LazySettings
from django.test import Client

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, NotFound
from hypercare.orgs.models import Institution
from hypercare.security.choices import SecondFactorStep
from hypercare.security.models import TwoFactorPolicy
from hypercare.security.selectors import second_factor_step
from hypercare.security.services.two_factor import set_two_factor_policy
from tests import factories
from tests.security.helpers import code_for, enrolled, password_step


@pytest.fixture
def staff_required(settings: LazySettings) -> None:
    settings.HYPERCARE_REQUIRE_2FA_FOR_STAFF = True


@pytest.mark.usefixtures("staff_required")
def test_required_staff_are_sent_to_enrol_and_can_do_nothing_else(agent: User) -> None:
    client = Client()
    assert (
        client.post(
            "/login/", {"login": "tara", "password": factories.PASSWORD, "next": "/desk/queue/"}
        )["Location"]
        == "/login/set-up-two-factor/"
    )
    assert "_auth_user_id" not in client.session
    assert client.get("/desk/").status_code == 302
    assert client.get("/api/v1/me").status_code == 401
    page = client.get("/login/set-up-two-factor/")
    assert page.status_code == 200
    assert 'id="enrol-required"' in page.content.decode()
    done = client.post("/login/set-up-two-factor/", {"code": code_for(agent)})
    assert done.status_code == 200
    assert 'href="/desk/queue/"' in done.content.decode()
    assert client.session["_auth_user_id"] == str(agent.pk)
    assert client.get("/desk/").status_code == 200


@pytest.mark.usefixtures("staff_required")
def test_required_staff_with_an_authenticator_are_asked_for_the_code(agent: User) -> None:
    enrolled(agent)
    assert password_step(Client(), "tara") == "/login/code/"


@pytest.mark.usefixtures("staff_required")
def test_the_staff_rule_does_not_reach_institution_users(requester: User) -> None:
    assert password_step(Client(), "riya") == "/"


def test_without_the_staff_rule_staff_sign_in_with_the_password(agent: User) -> None:
    assert password_step(Client(), "tara") == "/"


def test_an_institutions_rule_sends_its_people_to_enrol(
    requester: User, outsider: User, key_user: User
) -> None:
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=requester.institution)
    assert requester.institution is not None
    set_two_factor_policy(institution_id=requester.institution.pk, required=True, actor=admin)
    assert password_step(Client(), "riya") == "/login/set-up-two-factor/"
    assert password_step(Client(), "keyuser") == "/login/set-up-two-factor/"
    assert password_step(Client(), "outsider") == "/"


def test_single_sign_on_that_the_institution_relies_on_asks_for_no_code(agent: User) -> None:
    enrolled(agent)
    assert second_factor_step(agent) is SecondFactorStep.CODE
    assert second_factor_step(agent, via_identity_provider=True) is SecondFactorStep.NONE


def test_who_sets_an_institutions_rule(
    institution: Institution, other_institution: Institution, requester: User
) -> None:
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=institution)
    manager = factories.agent(Role.SUPPORT_MANAGER)
    set_two_factor_policy(institution_id=institution.pk, required=True, actor=admin)
    with pytest.raises(NotFound):
        set_two_factor_policy(institution_id=other_institution.pk, required=True, actor=admin)
    with pytest.raises(NotAllowed):
        set_two_factor_policy(institution_id=institution.pk, required=False, actor=requester)
    with pytest.raises(NotAllowed):
        set_two_factor_policy(
            institution_id=institution.pk, required=False, actor=factories.agent(Role.TIER1)
        )
    set_two_factor_policy(institution_id=other_institution.pk, required=True, actor=manager)
    assert set(
        TwoFactorPolicy.objects.filter(required=True).values_list("institution", flat=True)
    ) == {institution.pk, other_institution.pk}


def test_the_institution_admin_sets_the_rule_from_the_portal(
    institution: Institution, other_institution: Institution
) -> None:
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=institution)
    client = Client()
    client.force_login(admin)
    page = client.get("/account/security/policies/").content.decode()
    assert institution.name in page
    assert other_institution.name not in page
    saved = client.post(
        f"/account/security/policies/{institution.pk}/", {f"i{institution.pk}-required": "on"}
    )
    assert saved.status_code == 302
    assert TwoFactorPolicy.objects.get(institution=institution).required
    other = client.post(
        f"/account/security/policies/{other_institution.pk}/",
        {f"i{other_institution.pk}-required": "on"},
    )
    assert other.status_code == 404
    assert not TwoFactorPolicy.objects.filter(institution=other_institution).exists()


def test_people_who_set_no_rule_get_no_rule_page(requester: User) -> None:
    client = Client()
    client.force_login(requester)
    assert client.get("/account/security/policies/").status_code == 403


@pytest.mark.usefixtures("staff_required")
def test_turning_off_a_required_second_factor_signs_out_to_set_it_up_again(agent: User) -> None:
    enrolled(agent)
    client = Client()
    client.force_login(agent)
    off = client.post("/account/security/two-factor/off/", {"proof": factories.PASSWORD})
    assert off["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session
    assert password_step(client, "tara") == "/login/set-up-two-factor/"


def test_the_enrolment_step_without_a_password_first_goes_to_sign_in(db: None) -> None:
    assert Client().get("/login/set-up-two-factor/")["Location"] == "/login/"

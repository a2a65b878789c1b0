"""The security endpoints: two-factor state, open sessions, ending them."""

from django.conf import LazySettings
from django.test import Client

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.security.models import RecoveryCode, SignedInSession, TwoFactorDevice
from tests import factories
from tests.api.conftest import ApiClient
from tests.security.helpers import enrolled, password_step
from tests.security.test_sessions import signed_in_browser


def test_two_factor_state_is_reported(agent: User, settings: LazySettings) -> None:
    api = ApiClient(agent)
    assert api.get("/security/two-factor").json() == {
        "enabled": False,
        "required": False,
        "recovery_codes_left": 0,
    }
    settings.HYPERCARE_REQUIRE_2FA_FOR_STAFF = True
    enrolled(agent)
    assert api.get("/security/two-factor").json() == {
        "enabled": True,
        "required": True,
        "recovery_codes_left": 10,
    }


def test_a_token_lists_and_ends_its_owners_sessions(agent: User) -> None:
    browser = signed_in_browser("tara")
    api = ApiClient(agent)
    listed = api.get("/security/sessions").json()
    assert [row["user_agent"] for row in listed] == ["Firefox on Linux"]
    assert api.delete(f"/security/sessions/{listed[0]['id']}").status_code == 200
    assert browser.get("/desk/").status_code == 302
    assert api.get("/security/sessions").json() == []


def test_nobody_sees_or_ends_another_persons_sessions(agent: User, requester: User) -> None:
    riya = signed_in_browser("riya")
    theirs = SignedInSession.objects.get(user=requester)
    api = ApiClient(agent)
    assert api.get("/security/sessions").json() == []
    assert api.delete(f"/security/sessions/{theirs.pk}").status_code == 404
    assert api.post(f"/security/people/{requester.pk}/end-sessions").status_code == 404
    assert riya.get("/portal/").status_code == 200


def test_a_support_manager_ends_a_session_of_anyone(requester: User) -> None:
    riya = signed_in_browser("riya")
    theirs = SignedInSession.objects.get(user=requester)
    manager = ApiClient(factories.agent(Role.SUPPORT_MANAGER))
    assert manager.delete(f"/security/sessions/{theirs.pk}").status_code == 200
    assert riya.get("/portal/").status_code == 302


def test_ending_a_session_that_does_not_exist_is_not_found(agent: User) -> None:
    api = ApiClient(agent)
    assert api.delete("/security/sessions/999999").status_code == 404
    assert api.post("/security/people/999999/end-sessions").status_code == 404
    assert api.delete("/security/sessions/0").status_code == 422


def test_a_support_manager_resets_a_lost_second_factor_and_signs_the_person_out(
    requester: User,
) -> None:
    riya = signed_in_browser("riya")
    enrolled(requester)
    manager = ApiClient(factories.agent(Role.SUPPORT_MANAGER))
    assert manager.post(f"/security/people/{requester.pk}/reset-two-factor").status_code == 204
    assert not TwoFactorDevice.objects.filter(user=requester).exists()
    assert not RecoveryCode.objects.filter(user=requester).exists()
    assert riya.get("/portal/").status_code == 302
    assert password_step(Client(), "riya") == "/"
    again = manager.post(f"/security/people/{requester.pk}/reset-two-factor")
    assert again.status_code == 409


def test_nobody_else_resets_a_second_factor_and_a_manager_not_their_own(
    agent: User, requester: User
) -> None:
    enrolled(requester)
    manager = factories.agent(Role.SUPPORT_MANAGER)
    enrolled(manager)
    refused = [
        ApiClient(agent).post(f"/security/people/{requester.pk}/reset-two-factor"),
        ApiClient(requester).post(f"/security/people/{requester.pk}/reset-two-factor"),
        ApiClient(manager).post(f"/security/people/{manager.pk}/reset-two-factor"),
    ]
    assert [answer.status_code for answer in refused] == [404, 404, 404]
    assert TwoFactorDevice.objects.filter(user__in=[requester, manager]).count() == 2

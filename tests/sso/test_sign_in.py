"""Signing in through a real identity provider on loopback: the desk's client follows the
whole authorization code flow (sign-in and consent at the provider, then the callback)."""

from dataclasses import replace
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.orgs.models import Institution
from hypercare.security.models import SignedInSession, TwoFactorPolicy
from hypercare.sso.models import IdentityProvider
from hypercare.sso.services import SIGNED_IN_WITH, SSO, configure_provider
from tests import factories
from tests.security.helpers import enrolled
from tests.sso.conftest import CALLBACK, northfield_settings
from tests.sso.provider.serve import PASSWORD

if TYPE_CHECKING:  # the test client's answer type exists in the stubs only
    from django.test.client import _MonkeyPatchedWSGIResponse


class HiddenInputs(HTMLParser):
    """The hidden fields of the provider's consent form, which its answer sends back."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.fields[str(found["name"])] = found.get("value") or ""


def at_provider(authorize_url: str, username: str, *, allow: bool = True) -> str:
    """Sign in at the provider and answer its consent page, as a person's browser would;
    the answer is where the provider sends the browser back to."""
    with requests.Session() as browser:
        login_page = browser.get(authorize_url, timeout=10)
        assert "/accounts/login/" in login_page.url
        form = {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": parse_qs(urlsplit(login_page.url).query)["next"][0],
        }
        consent = browser.post(login_page.url, data=form, timeout=10)
        assert "Request for Permission" in consent.text
        answer = HiddenInputs(consent.text).fields
        answer["csrfmiddlewaretoken"] = browser.cookies["csrftoken"]
        if allow:
            answer["allow"] = "Authorize"
        back = browser.post(consent.url.split("?")[0], data=answer, allow_redirects=False)
        assert back.status_code == 302
        return str(back.headers["Location"])


def sign_in(client: Client, username: str, *, allow: bool = True) -> "_MonkeyPatchedWSGIResponse":
    start = client.get("/sso/northfield/login/", {"next": "/portal/"})
    assert start.status_code == 302
    back = urlsplit(at_provider(start["Location"], username, allow=allow))
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return client.get(back.path, parse_qs(back.query))


def signed_in_as(client: Client) -> User | None:
    user = client.get("/").wsgi_request.user
    return user if isinstance(user, User) else None


@pytest.fixture
def ada(institution: Institution) -> User:
    return factories.requester(institution, username="ada", email="Ada@Northfield.example")


def test_a_verified_address_signs_in_its_institutions_account(
    northfield_idp: IdentityProvider, ada: User
) -> None:
    client = Client()
    answer = sign_in(client, "ada")
    assert answer.status_code == 302
    assert answer["Location"] == "/portal/"
    assert signed_in_as(client) == ada
    assert client.session[SIGNED_IN_WITH] == SSO
    assert ada.roles == {Role.REQUESTER}


def test_the_identity_provider_answers_for_the_second_factor_and_no_code_is_asked(
    northfield_idp: IdentityProvider, ada: User, institution: Institution
) -> None:
    enrolled(ada)
    TwoFactorPolicy.objects.create(institution=institution, required=True, updated_at=clock.now())
    client = Client()
    answer = sign_in(client, "ada")
    assert answer["Location"] == "/portal/"
    assert signed_in_as(client) == ada
    assert SignedInSession.objects.filter(user=ada).count() == 1


def test_a_mapped_group_grants_its_institution_role(
    northfield_idp: IdentityProvider, ada: User, institution: Institution, support_manager: User
) -> None:
    settings = northfield_settings(
        northfield_idp.issuer,
        scopes="openid email profile groups",
        role_claim="groups",
        role_mapping=(("erp-admins", Role.INSTITUTION_ADMIN),),
    )
    configure_provider(actor=support_manager, institution=institution, settings=settings)
    assert sign_in(Client(), "ada").status_code == 302
    assert User.objects.get(pk=ada.pk).roles == {Role.REQUESTER, Role.INSTITUTION_ADMIN}


def test_groups_the_mapping_does_not_name_grant_nothing(
    northfield_idp: IdentityProvider, ada: User, institution: Institution, support_manager: User
) -> None:
    settings = northfield_settings(
        northfield_idp.issuer,
        scopes="openid email profile groups",
        role_claim="groups",
        role_mapping=(("erp-key-users", Role.KEY_USER),),
    )
    configure_provider(actor=support_manager, institution=institution, settings=settings)
    assert sign_in(Client(), "ada").status_code == 302
    assert User.objects.get(pk=ada.pk).roles == {Role.REQUESTER}


def test_an_unverified_address_is_refused(
    northfield_idp: IdentityProvider, institution: Institution
) -> None:
    factories.requester(institution, username="ben", email="ben@northfield.example")
    client = Client()
    answer = sign_in(client, "ben")
    assert answer.status_code == 403
    assert "has not verified your email address" in answer.content.decode()
    assert signed_in_as(client) is None


def test_an_unknown_address_is_refused_unless_provisioning_is_on(
    northfield_idp: IdentityProvider,
) -> None:
    client = Client()
    answer = sign_in(client, "nia")
    assert answer.status_code == 403
    assert "There is no account for nia@northfield.example" in answer.content.decode()
    assert not User.objects.filter(email__iexact="nia@northfield.example").exists()


def test_provisioning_creates_the_institutions_account_with_mapped_roles_only(
    northfield_idp: IdentityProvider, institution: Institution, support_manager: User
) -> None:
    settings = northfield_settings(
        northfield_idp.issuer,
        scopes="openid email profile groups",
        provision_users=True,
        role_claim="groups",
        role_mapping=(("erp-key-users", Role.KEY_USER),),
    )
    configure_provider(actor=support_manager, institution=institution, settings=settings)
    client = Client()
    assert sign_in(client, "nia").status_code == 302
    nia = User.objects.get(email="nia@northfield.example")
    assert (nia.institution, nia.first_name) == (institution, "Nia")
    assert nia.roles == {Role.KEY_USER}
    assert not nia.has_usable_password()
    assert signed_in_as(client) == nia


def test_provisioning_without_a_mapped_role_makes_a_requester(
    northfield_idp: IdentityProvider, institution: Institution, support_manager: User
) -> None:
    settings = northfield_settings(northfield_idp.issuer, provision_users=True)
    configure_provider(actor=support_manager, institution=institution, settings=settings)
    assert sign_in(Client(), "nia").status_code == 302
    assert User.objects.get(email="nia@northfield.example").roles == {Role.REQUESTER}


def test_provisioning_refuses_an_address_outside_the_allowed_domains(
    northfield_idp: IdentityProvider, institution: Institution, support_manager: User
) -> None:
    settings = northfield_settings(
        northfield_idp.issuer, provision_users=True, email_domains=("other.example",)
    )
    configure_provider(actor=support_manager, institution=institution, settings=settings)
    assert sign_in(Client(), "nia").status_code == 403
    assert not User.objects.filter(email="nia@northfield.example").exists()


def test_a_support_staff_address_never_signs_in_through_an_institution(
    northfield_idp: IdentityProvider,
) -> None:
    factories.agent(Role.ADMIN, username="tara", email="tara@desk.example")
    client = Client()
    answer = sign_in(client, "tara")
    assert answer.status_code == 403
    assert "does not belong to Northfield University" in answer.content.decode()
    assert signed_in_as(client) is None


def test_another_institutions_person_never_signs_in_through_this_one(
    northfield_idp: IdentityProvider, other_institution: Institution
) -> None:
    factories.user(
        Role.INSTITUTION_ADMIN,
        institution=other_institution,
        username="sam",
        email="sam@southbank.example",
    )
    client = Client()
    answer = sign_in(client, "sam")
    assert answer.status_code == 403
    assert signed_in_as(client) is None


def test_a_deactivated_account_is_refused(northfield_idp: IdentityProvider, ada: User) -> None:
    User.objects.filter(pk=ada.pk).update(is_active=False)
    answer = sign_in(Client(), "ada")
    assert answer.status_code == 403
    assert "deactivated" in answer.content.decode()


def test_a_callback_in_another_browser_is_refused_for_its_state(
    northfield_idp: IdentityProvider, ada: User
) -> None:
    start = Client().get("/sso/northfield/login/")
    back = urlsplit(at_provider(start["Location"], "ada"))
    stranger = Client()
    answer = stranger.get(back.path, parse_qs(back.query))
    assert answer.status_code == 403
    assert "the state does not match" in answer.content.decode()
    assert signed_in_as(stranger) is None


def test_a_declined_consent_shows_the_providers_refusal(
    northfield_idp: IdentityProvider, ada: User
) -> None:
    client = Client()
    answer = sign_in(client, "ada", allow=False)
    assert answer.status_code == 403
    assert "Northfield Login refused the sign-in" in answer.content.decode()
    assert signed_in_as(client) is None


def test_a_wrong_client_secret_is_refused_by_the_provider(
    northfield_idp: IdentityProvider, ada: User
) -> None:
    IdentityProvider.objects.filter(pk=northfield_idp.pk).update(client_secret="not-the-secret")
    client = Client()
    answer = sign_in(client, "ada")
    assert answer.status_code == 403
    assert "refused the sign-in" in answer.content.decode()
    assert signed_in_as(client) is None


def test_an_unreachable_provider_is_said_so(
    northfield_idp: IdentityProvider, unused_port: int
) -> None:
    IdentityProvider.objects.filter(pk=northfield_idp.pk).update(
        issuer=f"http://127.0.0.1:{unused_port}/openid"
    )
    answer = Client().get("/sso/northfield/login/")
    assert answer.status_code == 403
    assert "could not be reached" in answer.content.decode()


def test_a_disabled_provider_offers_no_sign_in(
    northfield_idp: IdentityProvider, institution: Institution, support_manager: User
) -> None:
    settings = replace(northfield_settings(northfield_idp.issuer), enabled=False)
    configure_provider(actor=support_manager, institution=institution, settings=settings)
    assert Client().get("/sso/northfield/login/").status_code == 404


def test_the_sign_in_page_finds_the_institution_by_email_domain(
    northfield_idp: IdentityProvider,
) -> None:
    client = Client()
    page = client.get("/login/").content.decode()
    assert 'action="/sso/"' in page
    answer = client.post("/sso/", {"email": "ada@NORTHFIELD.example", "next": "/portal/"})
    assert answer.status_code == 302
    assert answer["Location"] == "/sso/northfield/login/?next=%2Fportal%2F"


def test_an_address_of_no_institutions_domain_is_told_to_use_a_password(
    northfield_idp: IdentityProvider,
) -> None:
    answer = Client().post("/sso/", {"email": "someone@elsewhere.example"})
    assert answer.status_code == 422
    assert "Sign in with your password" in answer.content.decode()

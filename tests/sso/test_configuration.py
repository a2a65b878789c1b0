"""Setting up an institution's identity provider: who may, what is refused, and that the
secret is kept and never shown (service, API and admin)."""

from dataclasses import replace

import pytest
from django.test import Client

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.orgs.models import Institution
from hypercare.sso.models import IdentityProvider
from hypercare.sso.services import configure_provider
from tests import factories
from tests.api.conftest import ApiClient
from tests.sso.conftest import CLIENT_SECRET, northfield_settings

ISSUER = "https://login.northfield.example/realms/staff"


@pytest.fixture
def admin_of_northfield(institution: Institution) -> User:
    return factories.user(Role.INSTITUTION_ADMIN, institution=institution, username="nadia")


def test_an_institutions_admin_may_not_set_up_its_sign_in(
    institution: Institution, admin_of_northfield: User
) -> None:
    with pytest.raises(NotAllowed):
        configure_provider(
            actor=admin_of_northfield, institution=institution, settings=northfield_settings(ISSUER)
        )
    assert not IdentityProvider.objects.exists()


def test_a_support_role_in_the_mapping_is_refused(
    institution: Institution, support_manager: User
) -> None:
    settings = northfield_settings(ISSUER, role_mapping=(("desk", Role.ADMIN),))
    with pytest.raises(ValidationFailed) as refused:
        configure_provider(actor=support_manager, institution=institution, settings=settings)
    assert "not an institution role" in refused.value.errors["role_mapping"]


def test_a_domain_of_another_institution_is_refused(
    institution: Institution, other_institution: Institution, support_manager: User
) -> None:
    configure_provider(
        actor=support_manager, institution=institution, settings=northfield_settings(ISSUER)
    )
    with pytest.raises(ValidationFailed) as refused:
        configure_provider(
            actor=support_manager,
            institution=other_institution,
            settings=northfield_settings(ISSUER, email_domains=("NorthField.example",)),
        )
    assert (
        "northfield.example belongs to another institution" in refused.value.errors["email_domains"]
    )


def test_the_secret_is_required_first_and_kept_when_left_out(
    institution: Institution, support_manager: User
) -> None:
    without = northfield_settings(ISSUER, client_secret=None)
    with pytest.raises(ValidationFailed) as refused:
        configure_provider(actor=support_manager, institution=institution, settings=without)
    assert "client_secret" in refused.value.errors
    configure_provider(
        actor=support_manager, institution=institution, settings=northfield_settings(ISSUER)
    )
    changed = configure_provider(
        actor=support_manager, institution=institution, settings=replace(without, name="NU")
    )
    assert (changed.name, changed.client_secret) == ("NU", CLIENT_SECRET)


def test_the_scopes_must_ask_for_openid(institution: Institution, support_manager: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        configure_provider(
            actor=support_manager,
            institution=institution,
            settings=northfield_settings(ISSUER, scopes="email profile"),
        )
    assert "openid" in refused.value.errors["scopes"]


def test_a_manager_sets_up_sign_in_through_the_api_and_never_reads_the_secret(
    institution: Institution, support_manager: User
) -> None:
    api = ApiClient(support_manager)
    body = {
        "name": "Northfield Login",
        "issuer": ISSUER,
        "client_id": "desk",
        "client_secret": CLIENT_SECRET,
        "enabled": True,
        "email_domains": ["northfield.example"],
        "role_claim": "groups",
        "role_mapping": {"erp-admins": "institution_admin"},
    }
    answer = api.put(f"/institutions/{institution.pk}/sso", body)
    assert answer.status_code == 200
    read = api.get(f"/institutions/{institution.pk}/sso")
    assert read.status_code == 200
    assert read.json()["client_secret_set"] is True
    assert read.json()["callback_url"] == "http://testserver/sso/northfield/callback/"
    assert CLIENT_SECRET not in answer.content.decode() + read.content.decode()


def test_the_api_names_a_bad_mapping(institution: Institution, support_manager: User) -> None:
    body = {
        "name": "Northfield Login",
        "issuer": ISSUER,
        "client_id": "desk",
        "client_secret": CLIENT_SECRET,
        "role_mapping": {"desk": "support_manager"},
    }
    answer = ApiClient(support_manager).put(f"/institutions/{institution.pk}/sso", body)
    assert answer.status_code == 422
    assert "role_mapping" in answer.content.decode()


def test_the_admin_keeps_the_secret_and_never_shows_it(
    institution: Institution, support_manager: User
) -> None:
    provider = configure_provider(
        actor=support_manager, institution=institution, settings=northfield_settings(ISSUER)
    )
    admin = factories.agent(Role.ADMIN, username="root")
    browser = Client()
    browser.force_login(admin)
    url = f"/admin/sso/identityprovider/{provider.pk}/change/"
    page = browser.get(url)
    assert page.status_code == 200
    assert CLIENT_SECRET not in page.content.decode()
    form = {
        "institution": institution.pk,
        "name": "Northfield SSO",
        "issuer": ISSUER,
        "client_id": "desk",
        "client_secret": "",
        "scopes": "openid email",
        "enabled": "on",
        "email_domains": '["northfield.example"]',
        "role_claim": "",
        "role_mapping": "{}",
    }
    assert browser.post(url, form).status_code == 302
    provider.refresh_from_db()
    assert (provider.name, provider.client_secret) == ("Northfield SSO", CLIENT_SECRET)
    form["role_mapping"] = '{"x": "admin"}'
    refused = browser.post(url, form)
    assert refused.status_code == 200
    assert "not an institution role" in refused.content.decode()


def test_a_manager_sets_up_sign_in_on_its_page(
    institution: Institution, support_manager: User
) -> None:
    browser = Client()
    browser.force_login(support_manager)
    url = f"/institutions/{institution.pk}/sso/"
    assert browser.get(url).status_code == 200
    form = {
        "name": "Northfield Login",
        "issuer": ISSUER,
        "client_id": "desk",
        "client_secret": CLIENT_SECRET,
        "scopes": "openid email groups",
        "enabled": "on",
        "email_domains": "northfield.example, nu.example",
        "role_claim": "groups",
        "role_mapping": "erp-admins = institution_admin\nerp-keys = key_user",
    }
    assert browser.post(url, form).status_code == 302
    provider = IdentityProvider.objects.get(institution=institution)
    assert provider.email_domains == ["northfield.example", "nu.example"]
    assert provider.role_mapping == {"erp-admins": "institution_admin", "erp-keys": "key_user"}
    page = browser.get(url).content.decode()
    assert CLIENT_SECRET not in page
    assert "/sso/northfield/callback/" in page
    refused = browser.post(url, {**form, "role_mapping": "desk = tier3"})
    assert refused.status_code == 422
    assert "not an institution role" in refused.content.decode()


def test_an_institutions_admin_reads_its_sign_in_but_cannot_change_it(
    institution: Institution, support_manager: User, admin_of_northfield: User
) -> None:
    configure_provider(
        actor=support_manager, institution=institution, settings=northfield_settings(ISSUER)
    )
    browser = Client()
    browser.force_login(admin_of_northfield)
    url = f"/institutions/{institution.pk}/sso/"
    page = browser.get(url)
    assert page.status_code == 200
    assert "Northfield Login" in page.content.decode()
    assert CLIENT_SECRET not in page.content.decode()
    assert browser.post(url, {"name": "Mine"}).status_code == 403
    assert IdentityProvider.objects.get().name == "Northfield Login"


def test_managers_find_every_institutions_sign_in_from_the_menu(
    institution: Institution, other_institution: Institution, support_manager: User
) -> None:
    configure_provider(
        actor=support_manager, institution=institution, settings=northfield_settings(ISSUER)
    )
    browser = Client()
    browser.force_login(support_manager)
    page = browser.get("/desk/sso/").content.decode()
    assert 'href="/desk/sso/"' in page
    assert f'href="/institutions/{other_institution.pk}/sso/"' in page
    assert "Northfield Login" in page
    tier1 = Client()
    tier1.force_login(factories.agent(Role.TIER1, username="tia"))
    assert tier1.get("/desk/sso/").status_code == 403
    assert 'href="/desk/sso/"' not in tier1.get("/desk/").content.decode()


def test_an_institutions_admin_finds_its_sign_in_in_the_portal_menu_once_set_up(
    institution: Institution, support_manager: User, admin_of_northfield: User
) -> None:
    browser = Client()
    browser.force_login(admin_of_northfield)
    link = f'href="/institutions/{institution.pk}/sso/"'
    assert link not in browser.get("/portal/").content.decode()
    configure_provider(
        actor=support_manager, institution=institution, settings=northfield_settings(ISSUER)
    )
    assert link in browser.get("/portal/").content.decode()

"""The admin is signed into through the desk's sign-in, so its lockout covers the admin too."""

import pytest
from django.test import Client

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from tests import factories


@pytest.fixture
def sysadmin(db: None) -> User:
    return factories.user(Role.ADMIN, username="sysadmin")


def test_admin_login_sends_people_to_the_desk_sign_in_keeping_next(db: None) -> None:
    response = Client().get("/admin/login/", {"next": "/admin/tickets/ticket/"})
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/tickets/ticket/"
    assert Client().get("/admin/login/")["Location"] == "/login/?next=/admin/"


def test_opening_the_admin_signed_out_leads_to_the_desk_sign_in(db: None) -> None:
    response = Client().get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/?next=/admin/"
    assert response.status_code == 200


def test_the_admin_login_form_cannot_be_used_to_guess_passwords(sysadmin: User) -> None:
    client = Client()
    for _ in range(10):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "sysadmin", "password": "wrong"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/login/?next=/admin/"
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "sysadmin", "password": factories.PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_locked_admin_account_cannot_sign_in_through_the_admin(sysadmin: User) -> None:
    client = Client()
    for _ in range(5):
        client.post("/login/", {"login": "sysadmin", "password": "wrong", "next": "/admin/"})
    client.post("/admin/login/", {"username": "sysadmin", "password": factories.PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_staff_admin_signs_in_at_the_desk_and_lands_in_the_admin(sysadmin: User) -> None:
    client = Client()
    response = client.post(
        "/login/?next=/admin/", {"login": "sysadmin", "password": factories.PASSWORD}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/")["Location"] == "/admin/"


def test_someone_signed_in_without_admin_rights_is_refused_not_sent_round(
    requester: User,
) -> None:
    client = Client()
    client.force_login(requester)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1

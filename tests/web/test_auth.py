import re
from datetime import timedelta
from ipaddress import ip_network
from typing import Any

import pytest
import time_machine
from django.conf import LazySettings
from django.core import mail
from django.test import Client

from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.mail.outgoing import loop_marker
from hypercare.mail.parsing import LOOP_HEADER
from hypercare.orgs.models import Institution
from tests import factories
from tests.web.conftest import signed_in


def sign_in(client: Client, login: str, password: str = factories.PASSWORD, **extra: str) -> Any:
    return client.post("/login/", {"login": login, "password": password, **extra})


def test_sign_in_with_username_lands_institution_user_in_portal(requester: User) -> None:
    client = Client()
    response = sign_in(client, "RIYA")
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == "/portal/"


def test_sign_in_with_email_lands_agent_in_workspace(agent: User) -> None:
    client = Client()
    response = sign_in(client, agent.email)
    assert client.get(response["Location"])["Location"] == "/desk/"


def test_email_shared_by_two_accounts_signs_in_neither(institution: Institution) -> None:
    factories.requester(institution, username="one", email="shared@example.edu")
    factories.requester(institution, username="two", email="shared@example.edu")
    response = sign_in(Client(), "shared@example.edu")
    assert response.status_code == 200
    assert "do not match" in response.content.decode()


def test_wrong_password_is_refused_and_keeps_what_was_typed(requester: User) -> None:
    response = sign_in(Client(), "riya", "wrong")
    page = response.content.decode()
    assert response.status_code == 200
    assert "That username or email and password do not match." in page
    assert 'value="riya"' in page
    assert "_auth_user_id" not in response.client.session


def test_five_failures_lock_the_login_even_with_the_right_password(requester: User) -> None:
    client = Client()
    for _ in range(5):
        sign_in(client, "riya", "wrong")
    response = sign_in(client, "riya")
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_lifts_after_the_window(requester: User) -> None:
    client = Client()
    with time_machine.travel(clock.now(), tick=False) as traveller:
        for _ in range(5):
            sign_in(client, "riya", "wrong")
        traveller.shift(timedelta(minutes=16))
        response = sign_in(client, "riya")
    assert response.status_code == 302


def test_lockout_is_per_address(requester: User) -> None:
    for _ in range(5):
        sign_in(Client(REMOTE_ADDR="10.0.0.1"), "riya", "wrong")
    response = sign_in(Client(REMOTE_ADDR="10.0.0.2"), "riya")
    assert response.status_code == 302


def test_behind_a_trusted_proxy_the_lockout_counts_each_client_not_the_proxy(
    requester: User, settings: LazySettings
) -> None:
    settings.HYPERCARE_TRUSTED_PROXIES = (ip_network("10.9.0.0/24"),)

    def through_proxy(client_address: str) -> Client:
        return Client(REMOTE_ADDR="10.9.0.5", HTTP_X_FORWARDED_FOR=client_address)

    for _ in range(5):
        sign_in(through_proxy("203.0.113.7"), "riya", "wrong")
    locked_out = sign_in(through_proxy("203.0.113.7"), "riya")
    another_client = sign_in(through_proxy("198.51.100.2"), "riya")
    assert "Too many failed attempts" in locked_out.content.decode()
    assert another_client.status_code == 302


def test_a_client_cannot_escape_its_lockout_by_writing_its_own_forwarded_for(
    requester: User, settings: LazySettings
) -> None:
    settings.HYPERCARE_TRUSTED_PROXIES = (ip_network("10.9.0.0/24"),)
    for n in range(5):
        # The proxy appends the address it saw to whatever the client sent.
        forged = f"192.0.2.{n}, 203.0.113.7"
        sign_in(Client(REMOTE_ADDR="10.9.0.5", HTTP_X_FORWARDED_FOR=forged), "riya", "wrong")
    response = sign_in(
        Client(REMOTE_ADDR="10.9.0.5", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7"), "riya"
    )
    assert "Too many failed attempts" in response.content.decode()


def test_forwarded_for_is_ignored_unless_the_connecting_address_is_a_trusted_proxy(
    requester: User, settings: LazySettings
) -> None:
    settings.HYPERCARE_TRUSTED_PROXIES = (ip_network("10.9.0.0/24"),)
    for n in range(5):
        direct = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        sign_in(direct, "riya", "wrong")
    response = sign_in(Client(REMOTE_ADDR="203.0.113.7"), "riya")
    assert "Too many failed attempts" in response.content.decode()


def test_success_clears_earlier_failures(requester: User) -> None:
    client = Client()
    for _ in range(4):
        sign_in(client, "riya", "wrong")
    assert sign_in(client, "riya").status_code == 302
    client.post("/logout/")
    for _ in range(4):
        sign_in(client, "riya", "wrong")
    assert sign_in(client, "riya").status_code == 302


def test_sign_in_follows_a_local_next_but_never_another_site(requester: User) -> None:
    local = sign_in(Client(), "riya", next="/portal/report/")
    assert local["Location"] == "/portal/report/"
    away = sign_in(Client(), "riya", next="https://evil.example/")
    assert away["Location"] == "/"


def test_pages_need_sign_in(db: None) -> None:
    response = Client().get("/desk/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/desk/"


def test_sign_out_ends_the_session(requester: User) -> None:
    client = signed_in(requester)
    assert client.get("/logout/").status_code == 405
    client.post("/logout/")
    assert client.get("/portal/").status_code == 302


def test_session_lasts_a_working_day(requester: User) -> None:
    client = Client()
    sign_in(client, "riya")
    assert client.session.get_expiry_age() == 8 * 3600


def test_password_change(requester: User) -> None:
    client = signed_in(requester)
    response = client.post(
        "/account/password/",
        {
            "old_password": factories.PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert response["Location"] == "/account/password/done/"
    requester.refresh_from_db()
    assert requester.check_password("a-new-long-passphrase")


def test_password_change_errors_sit_next_to_the_field(requester: User) -> None:
    response = signed_in(requester).post(
        "/account/password/",
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    )
    page = response.content.decode()
    assert 'id="id_old_password_error"' in page
    assert 'id="id_new_password2_error"' in page


@pytest.fixture
def outbox(settings: LazySettings) -> list[mail.EmailMessage]:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return mail.outbox


def test_password_reset_by_email_sets_a_new_password_and_lifts_a_lockout(
    requester: User, outbox: list[mail.EmailMessage]
) -> None:
    client = Client()
    for _ in range(5):
        sign_in(client, "riya", "wrong")
    response = client.post("/password-reset/", {"email": requester.email})
    assert response["Location"] == "/password-reset/sent/"
    assert len(outbox) == 1
    link = re.search(r"http://testserver(/password-reset/\S+/)", str(outbox[0].body))
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "fresh-long-passphrase", "new_password2": "fresh-long-passphrase"},
    )
    assert done["Location"] == "/password-reset/complete/"
    assert sign_in(client, "riya", "fresh-long-passphrase").status_code == 302


def test_the_password_reset_mail_is_marked_as_automatic_mail(
    requester: User, outbox: list[mail.EmailMessage]
) -> None:
    Client().post("/password-reset/", {"email": requester.email})

    (sent,) = outbox
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"
    assert sent.extra_headers[LOOP_HEADER] == loop_marker()
    assert isinstance(sent, mail.EmailMultiAlternatives)
    assert [kind for _, kind in sent.alternatives] == ["text/html"]


def test_password_reset_for_unknown_email_says_the_same(
    db: None, outbox: list[mail.EmailMessage]
) -> None:
    response = Client().post("/password-reset/", {"email": "nobody@example.edu"})
    assert response["Location"] == "/password-reset/sent/"
    assert outbox == []


def test_account_without_a_role_gets_a_clear_403(db: None) -> None:
    nobody = User.objects.create_user(username="norole", password=factories.PASSWORD)
    response = signed_in(nobody).get("/")
    assert response.status_code == 403
    assert "no role on the desk" in response.content.decode()


def test_password_reset_sends_three_links_an_hour_and_then_answers_the_same(
    requester: User, outbox: list[mail.EmailMessage]
) -> None:
    with time_machine.travel(clock.now(), tick=False) as traveller:
        for n in range(5):
            response = Client(REMOTE_ADDR=f"10.0.0.{n}").post(
                "/password-reset/", {"email": requester.email}
            )
            assert response.status_code == 302
            assert response["Location"] == "/password-reset/sent/"
        assert len(outbox) == 3
        traveller.shift(timedelta(minutes=61))
        Client().post("/password-reset/", {"email": requester.email})
    assert len(outbox) == 4


def test_password_reset_refuses_an_address_asking_too_often_with_a_429(
    requester: User, outbox: list[mail.EmailMessage]
) -> None:
    client = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(10):
        client.post("/password-reset/", {"email": f"person{n}@example.edu"})
    response = client.post("/password-reset/", {"email": requester.email})
    assert response.status_code == 429
    assert "Too many password reset requests" in response.content.decode()
    assert outbox == []
    other = Client(REMOTE_ADDR="10.0.0.2").post("/password-reset/", {"email": requester.email})
    assert other["Location"] == "/password-reset/sent/"
    assert len(outbox) == 1


def test_password_reset_with_a_malformed_address_names_the_field(db: None) -> None:
    response = Client().post("/password-reset/", {"email": "not an address"})
    assert response.status_code == 200
    assert 'id="id_email_error"' in response.content.decode()

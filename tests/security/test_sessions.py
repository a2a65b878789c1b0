"""Open sessions: noted at sign-in, stamped when seen, and ended at once."""

import re
from datetime import timedelta

import time_machine
from django.test import Client

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.services import issue_token
from hypercare.security.models import SignedInSession
from tests import factories
from tests.security.helpers import password_step


def signed_in_browser(login: str, agent: str = "Firefox on Linux") -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR="192.0.2.7")
    password_step(client, login)
    return client


def test_a_sign_in_is_listed_with_its_browser_and_address(agent: User) -> None:
    client = signed_in_browser("tara")
    record = SignedInSession.objects.get(user=agent)
    assert record.session_key == client.session.session_key
    assert (record.user_agent, record.ip_address) == ("Firefox on Linux", "192.0.2.7")
    page = client.get("/account/security/").content.decode()
    assert "Firefox on Linux" in page
    assert "(this browser)" in page
    # The sign-out button is named in words a screen reader says, with no markup inside.
    [label] = re.findall(r'aria-label="(Sign out the session[^"]*)"', page)
    assert label.startswith("Sign out the session from 192.0.2.7 signed in ")
    assert "<" not in label


def test_ending_a_session_signs_that_browser_out_at_once(agent: User) -> None:
    laptop = signed_in_browser("tara", "Laptop")
    phone = signed_in_browser("tara", "Phone")
    assert phone.get("/desk/").status_code == 200
    session = SignedInSession.objects.get(user=agent, user_agent="Phone")
    ended = laptop.post(f"/account/security/sessions/{session.pk}/end/")
    assert ended["Location"] == "/account/security/"
    assert phone.get("/desk/")["Location"].startswith("/login/")
    assert laptop.get("/desk/").status_code == 200
    assert list(SignedInSession.objects.values_list("user_agent", flat=True)) == ["Laptop"]


def test_sign_out_everywhere_else_keeps_this_browser(agent: User) -> None:
    browsers = [signed_in_browser("tara", name) for name in ("A", "B", "C")]
    browsers[0].post("/account/security/sessions/end-others/")
    assert browsers[0].get("/desk/").status_code == 200
    for other in browsers[1:]:
        assert other.get("/desk/").status_code == 302
    assert SignedInSession.objects.get().user_agent == "A"


def test_nobody_ends_another_persons_session_from_the_page(agent: User, requester: User) -> None:
    signed_in_browser("riya")
    theirs = SignedInSession.objects.get(user=requester)
    mine = signed_in_browser("tara")
    assert mine.post(f"/account/security/sessions/{theirs.pk}/end/").status_code == 404
    assert "riya" not in mine.get("/account/security/").content.decode()
    assert SignedInSession.objects.filter(pk=theirs.pk).exists()


def test_last_seen_moves_on_at_most_every_few_minutes(agent: User) -> None:
    client = signed_in_browser("tara")
    record = SignedInSession.objects.get(user=agent)
    signed_in_at = record.last_seen_at
    with time_machine.travel(timedelta(minutes=2), tick=False):
        client.get("/desk/")
    record.refresh_from_db()
    assert record.last_seen_at == signed_in_at
    with time_machine.travel(timedelta(minutes=6), tick=False):
        client.get("/desk/")
    record.refresh_from_db()
    assert record.last_seen_at == signed_in_at + timedelta(minutes=6)


def test_signing_out_forgets_the_session(agent: User) -> None:
    client = signed_in_browser("tara")
    client.post("/logout/")
    assert not SignedInSession.objects.exists()


def test_a_token_revoked_on_the_page_no_longer_opens_the_api(agent: User) -> None:
    token, plain = issue_token(user=agent, name="Nightly export")
    client = signed_in_browser("tara")
    assert "Nightly export" in client.get("/account/security/").content.decode()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert api.get("/api/v1/me").status_code == 200
    assert client.post(f"/account/security/tokens/{token.pk}/revoke/").status_code == 302
    assert api.get("/api/v1/me").status_code == 401


def test_a_support_manager_ends_someone_elses_sessions_through_the_api(agent: User) -> None:
    tara = signed_in_browser("tara")
    factories.agent(Role.SUPPORT_MANAGER, username="meera")
    manager = signed_in_browser("meera")
    answer = manager.post(f"/api/v1/security/people/{agent.pk}/end-sessions")
    assert answer.status_code == 200
    assert answer.json() == {"ended": 1}
    assert tara.get("/desk/").status_code == 302

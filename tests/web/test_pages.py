"""The helpers every page uses: a safe address to go back to after signing in."""

import pytest
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hypercare.accounts.models import User
from hypercare.web.pages import safe_next
from tests import factories

STRANGE = ["http://[", "https://[::1/", "//[", "/ok\x00", "\x00", "/" + "a" * 100_000, "0", "desk"]
# Each example signs in anew; a login needs no slow hashing under the test hasher.
fuzz = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize("value", ["http://[", "https://[::1/", "//["])
def test_an_unparseable_next_is_no_address(value: str) -> None:
    assert safe_next(RequestFactory().get("/login/"), value) is None


def test_a_local_next_is_kept_and_another_site_is_not() -> None:
    request = RequestFactory().get("/login/")
    assert safe_next(request, "/desk/?queue=all") == "/desk/?queue=all"
    assert safe_next(request, "https://evil.example/") is None
    assert safe_next(request, None) is None


@pytest.mark.parametrize("value", ["0", "desk", "web:logout", "?queue=all"])
def test_a_next_that_is_no_path_is_no_address(value: str) -> None:
    """``redirect()`` would take these for the names of views, and fail on most."""
    assert safe_next(RequestFactory().get("/login/"), value) is None


@pytest.mark.parametrize("value", STRANGE)
def test_sign_in_page_never_fails_on_a_strange_next(requester: User, value: str) -> None:
    _sign_in_page_answers(requester, value)


@fuzz
@given(value=st.text())
@example(value="http://[")
@example(value="/\x00")
@example(value="0")
def test_sign_in_page_answers_any_next_without_a_server_error(requester: User, value: str) -> None:
    _sign_in_page_answers(requester, value)


def _sign_in_page_answers(requester: User, value: str) -> None:
    visitor = Client()
    assert visitor.get("/login/", {"next": value}).status_code < 500
    wrong = {"login": "riya", "password": "wrong", "next": value}
    assert visitor.post("/login/", wrong).status_code < 500
    right = {"login": "riya", "password": factories.PASSWORD, "next": value}
    assert visitor.post("/login/", right).status_code < 500
    requester.refresh_from_db()
    member = Client()
    member.force_login(requester)
    assert member.get("/login/", {"next": value}).status_code < 500
    assert member.post("/login/", {"next": value}).status_code < 500

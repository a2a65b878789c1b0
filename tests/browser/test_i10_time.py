"""A person sets their time zone on their profile and the ticket's times follow."""

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.models import User
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _reported_at(page: Page) -> tuple[datetime, str]:
    """The instant the timeline's first entry names, and how the page writes it."""
    shown = page.locator(".timeline .event__when time").first
    return datetime.fromisoformat(shown.get_attribute("datetime") or ""), shown.inner_text()


@pytest.mark.parametrize("who", ["agent", "requester"])
def test_a_person_sets_their_zone_and_the_ticket_times_change(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User], who: str
) -> None:
    base = live_server.url
    ticket = factories.ticket(people["requester"])
    side = "desk" if who == "agent" else "portal"
    url = f"{base}/{side}/tickets/{ticket.pk}/"
    page = new_page()
    sign_in(page, base, people[who].username)
    page.goto(url)
    before, before_text = _reported_at(page)
    assert before.utcoffset() == ZoneInfo("UTC").utcoffset(before)

    page.locator(".usermenu summary").click()
    page.get_by_role("link", name="My profile and notifications").click()
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()
    assert serious_accessibility_problems(page) == []
    page.get_by_label("Time zone").select_option("Asia/Kolkata")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.locator("#profile-zone")).to_have_text("Asia/Kolkata")
    shoot(page, f"i10-time-profile-{who}")

    page.goto(url)
    after, after_text = _reported_at(page)
    kolkata = before.astimezone(ZoneInfo("Asia/Kolkata"))
    assert after == before
    assert after.utcoffset() == kolkata.utcoffset()
    assert after_text == f"{kolkata:%a} {kolkata.day} {kolkata:%b %Y, %H:%M}" != before_text
    expect(page.locator("footer")).to_contain_text("times in Asia/Kolkata")

"""Two agents on one ticket in real browsers: each sees the other, one sees the other
replying, and a reply written meanwhile is sent only once its author confirms it; a
saved view of the queue is a tab with its count."""

from collections.abc import Callable

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

# The page beats every 5 seconds: the other's name shows within two beats.
BEATS = 12_000


def test_two_agents_see_each_other_and_a_crossed_reply_asks_first(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    base = live_server.url
    factories.agent(username="omar", first_name="Omar", last_name="Haddad")
    ticket = factories.ticket(people["requester"], title="Fee receipt does not print")

    tara = new_page()
    sign_in(tara, base, "tara")
    tara.goto(f"{base}/desk/tickets/{ticket.pk}/")
    omar = new_page()
    sign_in(omar, base, "omar")
    omar.goto(f"{base}/desk/tickets/{ticket.pk}/")
    expect(omar.locator("#presence")).to_contain_text("Tara Iyer has this ticket open")
    expect(tara.locator("#presence")).to_contain_text(
        "Omar Haddad has this ticket open", timeout=BEATS
    )

    omar.locator("#reply-form").get_by_label("Message").fill("Please try the other tray.")
    omar.locator("#reply-form").get_by_label("Message").press("End")
    expect(tara.locator("#presence")).to_contain_text("Omar Haddad is replying", timeout=BEATS)
    omar.get_by_role("button", name="Send reply to requester").click()
    expect(omar.locator(".timeline")).to_contain_text("Please try the other tray.")

    composer = tara.locator("#reply-form")
    composer.get_by_label("Message").fill("Which printer is it?")
    tara.get_by_role("button", name="Send reply to requester").click()
    expect(composer).to_contain_text("Omar Haddad replied at")
    composer.get_by_label("Send anyway: I have read the newer reply").check()
    tara.get_by_role("button", name="Send reply to requester").click()
    expect(tara.locator(".timeline")).to_contain_text("Which printer is it?")
    # Last: a swap after the screenshot and axe copied empty style attributes they left on
    # the fields, which the content policy refuses.
    shoot(tara, "collision-reply-sent")
    assert serious_accessibility_problems(tara) == []

    riya = new_page()
    sign_in(riya, base, "riya")
    riya.goto(f"{base}/portal/tickets/{ticket.pk}/")
    expect(riya.locator(".timeline")).to_contain_text("Which printer is it?")
    expect(riya.locator("body")).not_to_contain_text("has this ticket open")


def test_a_saved_view_is_a_tab_with_its_count(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    base = live_server.url
    factories.ticket(people["requester"], title="Exam marks vanish", module_code="exams")
    factories.ticket(people["requester"], title="Fee receipt does not print")
    tara = new_page()
    sign_in(tara, base, "tara")
    tara.goto(f"{base}/desk/?queue=all&module=exams")
    tara.get_by_text("Save as view").click()
    tara.get_by_label("View name").fill("Exams")
    tara.get_by_label("Shared with").select_option(label="Service desk")
    tara.get_by_role("button", name="Save view").click()
    tab = tara.get_by_role("link", name="Exams 1")
    expect(tab).to_have_attribute("aria-current", "page")
    expect(tara.locator("#queue-results")).to_contain_text("Exam marks vanish")
    expect(tara.locator("#queue-results")).not_to_contain_text("Fee receipt does not print")
    assert serious_accessibility_problems(tara) == []
    shoot(tara, "saved-view-tab")

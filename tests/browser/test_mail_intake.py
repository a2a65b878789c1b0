"""A reply received by email, as support staff and the requester see it on the timeline."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.models import User
from hypercare.mail.intake import process
from hypercare.mail.services import store_raw
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_mailed_reply_shows_its_history_folded_and_its_source_to_staff(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    riya = people["requester"]
    ticket = factories.ticket(riya, title="Fee receipt prints blank")
    raw = (
        f"From: Riya Sen <{riya.email}>\r\nSubject: Re: [{ticket.reference}] Fee receipt\r\n"
        "Message-ID: <browser-1@example.edu>\r\n\r\nStill blank after the update.\r\n\r\n"
        "On Monday the desk wrote:\r\n> Please try again.\r\n"
    ).encode()
    message = process(store_raw(raw=raw, mailbox=None).message)

    page = new_page()
    sign_in(page, live_server.url, "tara")
    page.goto(f"{live_server.url}/desk/tickets/{ticket.pk}/")
    expect(page.get_by_text("Still blank after the update.")).to_be_visible()
    expect(page.get_by_text("Please try again.")).to_be_hidden()
    page.get_by_text("The rest of the message").click()
    expect(page.get_by_text("Please try again.")).to_be_visible()
    source = page.get_by_role("link", name="Raw source of the message")
    expect(source).to_have_attribute("href", f"/mail/messages/{message.pk}/raw/")
    assert serious_accessibility_problems(page) == []
    shoot(page, "mail-intake-desk-timeline")

    portal = new_page()
    sign_in(portal, live_server.url, "riya")
    portal.goto(f"{live_server.url}/portal/tickets/{ticket.pk}/")
    expect(portal.get_by_text("Still blank after the update.")).to_be_visible()
    expect(portal.get_by_role("link", name="Raw source of the message")).to_have_count(0)

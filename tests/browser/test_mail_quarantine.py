"""A support manager works the mail quarantine in a real browser."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.mail.choices import InboundStatus
from hypercare.mail.models import InboundMessage
from hypercare.tickets.choices import EventKind
from hypercare.tickets.models import TicketEvent
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in
from tests.mail.quarantined import mailbox, quarantined, raw_mail

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_manager_attaches_a_quarantined_mail_to_a_ticket(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    factories.agent(Role.SUPPORT_MANAGER, username="meera", first_name="Meera")
    ticket = factories.ticket(people["requester"], title="Receipts print blank")
    raw = raw_mail(body="Our receipts print blank too, since the update.")
    message = quarantined(raw=raw, mailbox=mailbox("Support"))
    page = new_page()
    sign_in(page, live_server.url, "meera")

    page.get_by_role("link", name="Mail quarantine").click()
    expect(page.get_by_role("heading", name="Mail quarantine")).to_be_visible()
    row = page.locator(f"#message-{message.pk}")
    expect(row).to_contain_text("stranger@elsewhere.example")
    expect(row).to_contain_text("the sender belongs to no institution")
    assert serious_accessibility_problems(page) == []
    shoot(page, "mail-quarantine-list")

    row.get_by_role("link", name="Fee receipt prints blank").click()
    expect(page.get_by_text("Our receipts print blank too")).to_be_visible()
    assert serious_accessibility_problems(page) == []
    page.get_by_label("Ticket reference").fill(ticket.reference)
    page.get_by_role("button", name="Attach").click()

    expect(page.get_by_text("The message is on the ticket.")).to_be_visible()
    expect(page.get_by_text("Attached to a ticket")).to_be_visible()
    assert serious_accessibility_problems(page) == []
    shoot(page, "mail-quarantine-attached")
    assert InboundMessage.objects.get().status == InboundStatus.REPLY_ADDED
    note = TicketEvent.objects.get(ticket=ticket, kind=EventKind.INTERNAL_NOTE)
    assert "stranger@elsewhere.example" in note.body

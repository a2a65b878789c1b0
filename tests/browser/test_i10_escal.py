"""Ticket actions in reach and escalations easy to end, in a real browser."""

from collections.abc import Callable
from dataclasses import replace

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.escalations.models import Escalation
from hypercare.escalations.services.intake import request_escalation
from hypercare.tickets.models import Ticket
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in
from tests.escalations.conftest import CHECKLIST, REASON

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The shared checklist's milestone is a fixed date, long past in a live browser's time.
NO_MILESTONE = replace(CHECKLIST, milestone_date=None, milestone="")


def _escalate(ticket: Ticket, requester: User) -> Escalation:
    return request_escalation(ticket=ticket, actor=requester, reason=REASON, checklist=NO_MILESTONE)


def test_every_ticket_action_is_one_click_away(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    ticket = factories.ticket(people["requester"], title="Gateway refuses payments")
    page = new_page()
    sign_in(page, live_server.url, "tara")
    page.goto(f"{live_server.url}/desk/tickets/{ticket.pk}/")
    # Nobody owns the new ticket: choosing its owner is open already, the rest is folded.
    expect(page.locator("#change-assignee")).to_have_attribute("open", "")
    expect(page.locator("#change-priority")).not_to_have_attribute("open", "")
    assert serious_accessibility_problems(page) == []
    actions = page.get_by_role("navigation", name="Change the ticket")
    actions.get_by_role("link", name="Priority").click()
    expect(page.locator("#change-priority")).to_have_attribute("open", "")
    expect(page.locator("#change-priority select")).to_be_focused()
    actions.get_by_role("link", name="Tier").click()
    expect(page.locator("#change-tier")).to_have_attribute("open", "")
    shoot(page, "i10-ticket-actions")


def test_an_open_escalation_has_its_steps_in_the_main_column(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    factories.agent(Role.ESCALATION_MANAGER, username="esme", first_name="Esme")
    ticket = factories.ticket(people["requester"], title="Gateway refuses payments")
    _escalate(ticket, people["requester"])
    page = new_page()
    sign_in(page, live_server.url, "esme")
    page.goto(f"{live_server.url}/desk/tickets/{ticket.pk}/")
    panel = page.locator("#escalation-panel")
    expect(page.locator(".layout__main #escalation-panel")).to_be_visible()
    main = page.locator(".layout__main").bounding_box()
    box = panel.bounding_box()
    assert main is not None
    assert box is not None
    assert box["width"] == pytest.approx(main["width"], abs=1)
    expect(panel.get_by_label("Action plan")).to_be_visible()  # the gap to fill, open
    shoot(page, "i10-escalation-main-column")
    assert serious_accessibility_problems(page) == []

"""Ticket actions in reach and escalations easy to end, in a real browser."""

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.escalations.choices import EscalationStatus
from hypercare.escalations.models import Escalation
from hypercare.escalations.services.handling import record_action_plan
from hypercare.escalations.services.intake import request_escalation
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.workflow import change_status
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


def test_resolving_an_escalated_ticket_prompts_to_de_escalate(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    manager = factories.agent(Role.ESCALATION_MANAGER, username="esme", first_name="Esme")
    ticket = factories.ticket(people["requester"], title="Gateway refuses payments")
    escalation = _escalate(ticket, people["requester"])
    record_action_plan(escalation=escalation, actor=manager, action_plan="Patch the gateway.")
    # Asked for an hour ago, so the agreement's default time (this minute) comes after it.
    an_hour_ago = escalation.requested_at - timedelta(hours=1)
    Escalation.objects.filter(pk=escalation.pk).update(requested_at=an_hour_ago)
    page = new_page()
    sign_in(page, live_server.url, "esme")
    page.goto(f"{live_server.url}/desk/tickets/{ticket.pk}/")
    page.get_by_role("navigation", name="Change the ticket").get_by_role(
        "link", name="Status"
    ).click()
    page.locator("#change-status").get_by_label("New status").select_option(label="Resolved")
    page.locator("#change-status").get_by_role("button", name="Save").click()
    prompt = page.locator("#de-escalation-prompt")
    expect(prompt).to_contain_text("Still escalated")
    assert serious_accessibility_problems(page) == []
    shoot(page, "i10-de-escalation-prompt")
    prompt.get_by_role("link", name="De-escalate").click()
    page.get_by_label("The requester accepts the action plan").check()
    page.get_by_label("The troubleshooting or root-cause analysis is on track").check()
    page.get_by_label("How they agreed").select_option(label="Phone call")
    page.get_by_role("button", name="De-escalate").click()
    expect(page.locator("#escalation-panel")).to_contain_text("Not escalated.")
    expect(page.locator("#de-escalation-prompt")).to_have_count(0)
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.DE_ESCALATED


def test_the_daily_review_sets_resolved_tickets_apart(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    factories.agent(Role.ESCALATION_MANAGER, username="esme", first_name="Esme")
    working = factories.ticket(people["requester"], title="Gateway refuses payments")
    _escalate(working, people["requester"])
    done = factories.ticket(people["requester"], title="Receipts fixed")
    _escalate(done, people["requester"])
    change_status(ticket=done, actor=people["agent"], status=Status.RESOLVED)
    page = new_page()
    sign_in(page, live_server.url, "esme")
    page.goto(f"{live_server.url}/desk/escalations/")
    apart = page.get_by_role("region", name="Resolved or closed, still escalated")
    expect(apart).to_contain_text("Receipts fixed")
    expect(apart).not_to_contain_text("Gateway refuses payments")
    expect(apart.get_by_role("cell", name="Resolved")).to_be_visible()
    shoot(page, "i10-daily-review")
    assert serious_accessibility_problems(page) == []

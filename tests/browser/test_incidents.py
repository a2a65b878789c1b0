"""A major incident in a real browser: declared from a ticket, two institutions' tickets
attached, one update to all, and each requester sees only their own side."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.incidents.models import MajorIncident
from hypercare.tickets.models import Ticket
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in
from tests.incidents.conftest import payment_ticket

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

UPDATE = "The payment provider is restarting its gateway; pay at the counter meanwhile."


def _requester_sees_own_side_only(
    page: Page, base_url: str, login: str, own: Ticket, other: Ticket
) -> None:
    sign_in(page, base_url, login)
    banner = page.locator("[data-incident-banner]")
    expect(banner).to_contain_text("Known issue: Fee payments failing since")
    expect(banner).to_contain_text("next update by")
    page.goto(f"{base_url}/portal/tickets/{own.pk}/")
    expect(page.get_by_text(UPDATE)).to_be_visible()
    expect(page.locator("[data-incident-banner]")).to_be_visible()
    for text in (
        other.reference,
        other.title,
        other.institution.name,
        other.requester.display_name,
    ):
        expect(page.locator("body")).not_to_contain_text(text)


def test_one_update_reaches_both_institutions_and_neither_sees_the_other(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    factories.agent(Role.SUPPORT_MANAGER, username="meera", first_name="Meera")
    riya, sam = people["requester"], people["outsider"]
    assert riya.institution is not None
    nina = factories.requester(riya.institution, username="nina", first_name="Nina")
    declared_from = payment_ticket(riya, "Hostel fees will not go through")
    southbank = payment_ticket(sam, "Card payment refused at checkout")
    northfield = payment_ticket(nina, "Exam fee payment page errors")

    page = new_page()
    sign_in(page, live_server.url, "meera")
    page.goto(f"{live_server.url}/desk/tickets/{declared_from.pk}/")
    page.get_by_role("link", name="Declare a major incident from this ticket").click()
    page.get_by_label("What is failing").fill("Fee payments failing")
    page.get_by_label("Integration affected").select_option(label="Payment gateway")
    page.get_by_label("Impact").fill("Students cannot pay fees online.")
    page.get_by_role("button", name="Declare").click()
    expect(page.get_by_role("heading", name="Fee payments failing")).to_be_visible()
    incident = MajorIncident.objects.get()

    page.get_by_role("button", name=f"Attach {southbank.reference}").click()
    page.get_by_label("Ticket reference").fill(northfield.reference)
    page.get_by_role("button", name="Attach", exact=True).click()
    children = page.locator("[data-incident-children]")
    for ticket in (declared_from, southbank, northfield):
        expect(children).to_contain_text(ticket.reference)
    page.get_by_label("Public update").fill(UPDATE)
    page.get_by_role("button", name="Post the update").click()
    expect(page.get_by_text("Update posted to everyone affected.")).to_be_visible()
    assert serious_accessibility_problems(page) == []
    shoot(page, "incident-page")
    assert incident.children.count() == 3

    _requester_sees_own_side_only(new_page(), live_server.url, "riya", declared_from, southbank)
    _requester_sees_own_side_only(new_page(), live_server.url, "sam", southbank, declared_from)
    portal = new_page()
    sign_in(portal, live_server.url, "sam")
    shoot(portal, "incident-portal-banner")

"""The institution portal as a requester uses it: their report, files, replies, a phone."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.models import User
from hypercare.tickets.choices import EventKind
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_requester_sees_their_report_and_adds_a_correction(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    ticket = factories.ticket(
        people["requester"],
        action_attempted="Print the fee receipt",
        operational_impact="Parents wait at the counter",
        urgency="high",
    )
    page = new_page()
    sign_in(page, live_server.url, "riya")
    page.goto(f"{live_server.url}/portal/tickets/{ticket.pk}/")
    report = page.get_by_role("region", name="What you reported")
    expect(report).to_contain_text("Print the fee receipt")
    expect(report).to_contain_text("Clicking Print on the fee receipt shows a blank page.")
    expect(report).to_contain_text("Fee receipt")
    expect(report).to_contain_text("Today")
    expect(report).to_contain_text("Parents wait at the counter")
    assert serious_accessibility_problems(page) == []
    report.get_by_text("Something wrong or missing? Add a correction").click()
    report.get_by_label("Message").fill("It is the duplicate receipt that is blank.")
    report.get_by_role("button", name="Send the correction").click()
    expect(page.locator(".alert--success")).to_contain_text("Your correction was sent")
    expect(page.get_by_role("region", name="Conversation")).to_contain_text(
        "It is the duplicate receipt that is blank."
    )
    shoot(page, "i10-portal-report-and-correction")
    assert ticket.events.filter(kind=EventKind.PUBLIC_REPLY).count() == 1

"""A data correction in a real browser, from report to sign-off to applied and verified:
the requester names the data owner, the agent writes the record and asks, the data owner
signs in to the portal and signs off what they read, the agent applies it, the requester
verifies it. Each person sees the step it is at."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.corrections.models import CorrectionRecord, SignOff
from hypercare.tickets.models import Ticket
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHANGES = (
    "2024001 | date_of_birth | 2001-13-01 | 2001-01-13\n"
    "2024002 | date_of_birth | 2002-14-02 | 2002-02-14"
)


def _report(page: Page, base: str) -> Ticket:
    page.get_by_role("link", name="Report an issue").first.click()
    page.get_by_label("Which part of the ERP is it about?").select_option(label="Fees")
    page.get_by_text("Some records are wrong").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Which records are wrong?").fill("Roll numbers 2024001 and 2024002")
    page.get_by_label("What should they say instead?").fill("Day and month are swapped")
    page.get_by_label("Who owns this data?").select_option(label="Anil Rao")
    page.get_by_label("In one line, what is wrong?").fill("Two dates of birth are wrong")
    page.get_by_label("What were you trying to do?").fill("Print the exam hall tickets")
    page.get_by_label("What did you see?").fill("Month 13 and 14 in the date of birth")
    page.get_by_label("Tell us more").fill("The import swapped day and month.")
    page.get_by_text("Many people or a whole office cannot work").click()
    page.get_by_text("Today").click()
    page.get_by_role("button", name="Send to support").click()
    expect(page.locator(".alert--reference")).to_contain_text("Your issue is reported as HC-")
    return Ticket.objects.get()


def _agent_writes_and_asks(page: Page, base: str, ticket: Ticket) -> None:
    page.goto(f"{base}/desk/tickets/{ticket.pk}/")
    panel = page.locator("#correction-panel")
    expect(panel).to_contain_text("No correction record yet.")
    panel.get_by_role("link", name="Write the correction record").click()
    page.get_by_label("Records affected").fill("2024001\n2024002")
    page.get_by_label("Values before and after").fill(CHANGES)
    page.get_by_text("Wrong entry").click()
    page.get_by_label("Reversal plan").fill("Set both dates back from the audit log.")
    page.get_by_role("button", name="Save the correction record").click()
    expect(page.get_by_text("Correction record saved.")).to_be_visible()
    expect(page.locator("#workflow-waiting")).to_have_text(
        "Waiting for the support team to ask Anil Rao for sign-off."
    )
    page.get_by_role("button", name="Ask Anil Rao to sign off").click()
    expect(page.locator("#workflow-waiting")).to_have_text(
        "Waiting for data-owner sign-off from Anil Rao."
    )
    expect(page.locator("#correction-panel")).not_to_contain_text("Mark applied")


def _owner_signs_off(page: Page, base: str, ticket: Ticket) -> None:
    sign_in(page, base, "arao")
    page.goto(f"{base}/portal/tickets/{ticket.pk}/")
    expect(page.locator("#workflow-waiting")).to_have_text(
        "Waiting for data-owner sign-off from Anil Rao."
    )
    changes = page.locator("#correction-changes")
    expect(changes).to_contain_text("2002-14-02")
    expect(changes).to_contain_text("2002-02-14")
    page.get_by_role("link", name="Sign off or refuse").click()
    expect(page.locator("#correction-record")).to_contain_text("Set both dates back")
    assert serious_accessibility_problems(page) == []
    shoot(page, "correction-sign-off")
    page.get_by_text("Signed off", exact=True).click()
    page.get_by_label("Comment").fill("Checked against the admission forms.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thank you: your decision is recorded.")).to_be_visible()
    expect(page.locator("#correction-sign-offs")).to_contain_text("Signed off by Anil Rao")
    expect(page.get_by_role("link", name="Sign off or refuse")).to_have_count(0)


def test_a_data_correction_goes_from_report_to_sign_off_to_applied_and_verified(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    riya = people["requester"]
    assert riya.institution is not None
    factories.user(
        Role.DATA_OWNER,
        institution=riya.institution,
        username="arao",
        first_name="Anil",
        last_name="Rao",
    )
    base = live_server.url

    requester = new_page()
    sign_in(requester, base, "riya")
    ticket = _report(requester, base)

    agent = new_page()
    sign_in(agent, base, "tara")
    _agent_writes_and_asks(agent, base, ticket)
    requester.goto(f"{base}/portal/tickets/{ticket.pk}/")
    expect(requester.locator("#correction-changes")).to_contain_text("2001-01-13")
    expect(requester.get_by_role("link", name="Sign off or refuse")).to_have_count(0)

    _owner_signs_off(new_page(), base, ticket)

    agent.reload()
    expect(agent.locator("#workflow-waiting")).to_have_text(
        "Waiting for the support team to apply the correction."
    )
    agent.get_by_role("button", name="Mark applied").click()
    expect(agent.locator("#correction-applied")).to_contain_text("Applied by Tara Iyer")

    requester.goto(f"{base}/portal/tickets/{ticket.pk}/")
    expect(requester.locator("#workflow-waiting")).to_have_text(
        "Waiting for Riya Sen to verify the correction."
    )
    requester.get_by_role("link", name="Verify the correction").click()
    requester.get_by_text("It is right", exact=True).click()
    requester.get_by_role("button", name="Send").click()
    expect(requester.locator("#correction-verified")).to_contain_text("Verified by Riya Sen")
    expect(requester.locator("#workflow-panel")).not_to_contain_text("Waiting")
    shoot(requester, "correction-verified")

    record = CorrectionRecord.objects.get(ticket=ticket)
    assert (record.applied_by, record.verified_by) == (people["agent"], riya)
    assert SignOff.objects.get().content_hash == record.content_hash

"""The institution portal as a requester uses it: their report, files, replies, a phone."""

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.escalations.services.intake import request_escalation
from hypercare.lib import clock
from hypercare.tickets.choices import EventKind, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.conversation import add_public_reply
from hypercare.tickets.services.workflow import change_status
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in
from tests.escalations.conftest import CHECKLIST, REASON
from tests.web.conftest import PNG

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


def drop(page: Page, name: str, mime: str, data: bytes) -> None:
    page.evaluate(
        """([zone, name, mime, bytes]) => {
          const file = new File([new Uint8Array(bytes)], name, {type: mime});
          const data = new DataTransfer();
          data.items.add(file);
          zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true}));
        }""",
        [page.locator("[data-dropzone]").element_handle(), name, mime, list(data)],
    )


def test_a_dropped_screenshot_survives_a_failed_report_and_a_refused_type_is_caught_early(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    institution = people["requester"].institution
    assert institution is not None
    module = factories.module(institution)
    page = new_page()
    sign_in(page, live_server.url, "riya")
    page.goto(f"{live_server.url}/portal/report/?module={module.pk}&category=question")
    drop(page, "drawing.svg", "image/svg+xml", b"<svg></svg>")
    refused = page.locator("[data-dropzone-refused]")
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("drawing.svg was not added: its type is not accepted")
    drop(page, "receipt.png", "image/png", PNG)
    expect(page.locator(".dropzone__list")).to_contain_text("receipt.png")
    expect(page.locator(".dropzone__list")).not_to_contain_text("drawing.svg")
    page.get_by_label("Tell us more").fill("The receipt prints blank.")
    page.get_by_role("button", name="Send to support").click()
    expect(page.locator("#id_title_error")).to_be_visible()
    kept = page.get_by_label("receipt.png")
    expect(kept).to_be_checked()
    assert serious_accessibility_problems(page) == []
    shoot(page, "i10-portal-report-kept-upload")
    page.get_by_label("In one line, what is wrong?").fill("Fee receipt prints blank")
    page.get_by_label("Which screen or report is it about?").fill("Fee receipt")
    page.get_by_role("button", name="Send to support").click()
    expect(page.locator(".alert--reference")).to_contain_text("Your issue is reported as HC-")
    ticket = Ticket.objects.get()
    assert list(ticket.attachments.values_list("original_name", flat=True)) == ["receipt.png"]
    expect(page.get_by_alt_text("Screenshot receipt.png").first).to_be_visible()


def test_a_reply_and_a_screenshot_go_in_one_submit_and_a_refusal_shows_at_the_top(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    ticket = factories.ticket(people["requester"])
    page = new_page()
    sign_in(page, live_server.url, "riya")
    page.goto(f"{live_server.url}/portal/tickets/{ticket.pk}/")
    composer = page.get_by_role("region", name="Reply to support")
    composer.get_by_label("Message").fill("The blank page, as you asked.")
    drop(page, "blank.png", "image/png", PNG)
    # A file the browser cannot judge by its type still reaches the server, which refuses it.
    drop(page, "notes.txt", "text/plain", b"<html><script>alert(1)</script></html>")
    composer.get_by_role("button", name="Send reply").click()
    alert = page.get_by_role("alert").first
    expect(alert).to_contain_text("Nothing was sent: a file was refused.")
    expect(alert).to_contain_text("notes.txt")
    assert page.evaluate(
        "document.querySelector('.alert--error').getBoundingClientRect().top"
        " < document.querySelector('h1').getBoundingClientRect().top"
    )
    expect(composer.get_by_label("Message")).to_have_value("The blank page, as you asked.")
    expect(composer.get_by_label("blank.png")).to_be_checked()
    assert serious_accessibility_problems(page) == []
    shoot(page, "i10-portal-reply-refused-file")
    composer.get_by_role("button", name="Send reply").click()
    expect(page.locator(".alert--success")).to_contain_text("Your reply was sent")
    reply = ticket.events.get(kind=EventKind.PUBLIC_REPLY)
    assert reply.body == "The blank page, as you asked."
    assert list(reply.attachments.values_list("original_name", flat=True)) == ["blank.png"]
    conversation = page.get_by_role("region", name="Conversation")
    expect(conversation.get_by_alt_text("Screenshot blank.png")).to_be_visible()


def top(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["y"]


def test_on_a_phone_status_promise_and_call_outs_come_before_the_conversation(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    factories.agent(Role.ESCALATION_MANAGER, username="esme", first_name="Esme")
    ticket = factories.ticket(people["requester"])
    checklist = replace(CHECKLIST, milestone_date=(clock.now() + timedelta(days=7)).date())
    request_escalation(ticket=ticket, actor=people["requester"], reason=REASON, checklist=checklist)
    add_public_reply(ticket=ticket, actor=people["agent"], body="Which browser do you use?")
    change_status(ticket=ticket, actor=people["agent"], status=Status.WAITING_ON_REQUESTER)
    phone = new_page(phone=True)
    sign_in(phone, live_server.url, "riya")
    phone.goto(f"{live_server.url}/portal/tickets/{ticket.pk}/")
    shoot(phone, "i10-portal-phone-waiting")
    conversation = top(phone, "#conversation-heading")
    for above in (".tickethead .badge", "#promise", "#asked", "#escalation"):
        assert top(phone, above) < conversation, above
    assert top(phone, ".tickethead .badge") < top(phone, "#promise") < top(phone, "#asked")
    expect(phone.locator("#asked")).to_contain_text("Which browser do you use?")
    expect(phone.locator("#promise")).to_have_text("On hold while we wait for your answer.")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_accessibility_problems(phone) == []

    phone.goto(f"{live_server.url}/portal/report/?module={ticket.module_id}&category=question")
    folds = phone.locator("details.fold")
    expect(folds).to_have_count(2)
    for index in range(2):
        expect(folds.nth(index)).not_to_have_attribute("open", "")
    expect(phone.get_by_label("What were you trying to do?")).to_be_hidden()
    assert serious_accessibility_problems(phone) == []
    shoot(phone, "i10-portal-phone-report")
    phone.get_by_text("What you tried and what you saw").click()
    expect(phone.get_by_label("What were you trying to do?")).to_be_visible()


def test_a_closed_ticket_does_not_say_its_escalation_is_being_handled(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    factories.agent(Role.ESCALATION_MANAGER, username="esme", first_name="Esme")
    ticket = factories.ticket(people["requester"])
    checklist = replace(CHECKLIST, milestone_date=(clock.now() + timedelta(days=7)).date())
    request_escalation(ticket=ticket, actor=people["requester"], reason=REASON, checklist=checklist)
    change_status(ticket=ticket, actor=people["agent"], status=Status.RESOLVED)
    change_status(ticket=ticket, actor=people["requester"], status=Status.CLOSED)
    page = new_page()
    sign_in(page, live_server.url, "riya")
    page.goto(f"{live_server.url}/portal/tickets/{ticket.pk}/")
    panel = page.locator("#escalation")
    expect(panel).to_contain_text("Over: the ticket is closed")
    expect(panel).not_to_contain_text("Next update")
    expect(panel).not_to_contain_text("Being handled")
    assert serious_accessibility_problems(page) == []

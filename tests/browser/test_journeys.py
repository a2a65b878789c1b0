"""The desk as people use it, in a real browser."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in
from tests.web.conftest import PNG

# Data migrations (default templates and the like) must survive each test's flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DROP_SCREENSHOT = """([zone, bytes]) => {
  const file = new File([new Uint8Array(bytes)], "gateway-error.png", {type: "image/png"});
  const data = new DataTransfer();
  data.items.add(file);
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
}"""


def report_integration_failure(page: Page, base: str) -> str:
    page.get_by_role("link", name="Report an issue").first.click()
    page.get_by_label("Which part of the ERP is it about?").select_option(label="Fees")
    page.get_by_text("A connection to another system is failing").click()
    shoot(page, "portal-report-start")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Which connection is failing?").select_option(label="Campus Pay")
    page.get_by_label("Reference of a failing transaction").fill("TXN-2024-0042")
    page.get_by_label("In one line, what is wrong?").fill("Online fee payments fail at the gateway")
    page.get_by_label("What were you trying to do?").fill("Pay the semester fee online")
    page.get_by_label("What did you see?").fill("Payment failed: gateway timeout (504)")
    page.get_by_label("Tell us more").fill("Since this morning every online payment fails.")
    page.get_by_text("Many people or a whole office cannot work").click()
    page.get_by_text("Today").click()
    zone = page.locator("[data-dropzone]")
    page.evaluate(DROP_SCREENSHOT, [zone.element_handle(), list(PNG)])
    expect(zone.locator(".dropzone__list")).to_contain_text("gateway-error.png")
    shoot(page, "portal-report-details")
    page.get_by_role("button", name="Send to support").click()
    reference = page.locator(".alert--reference")
    expect(reference).to_contain_text("Your issue is reported as HC-")
    shoot(page, "portal-ticket-new")
    return reference.inner_text().split("reported as ")[1].split(".")[0]


def test_requester_reports_agent_answers_requester_confirms(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    base = live_server.url
    requester = new_page()
    sign_in(requester, base, "riya")
    expect(requester).to_have_url(f"{base}/portal/")
    reference = report_integration_failure(requester, base)
    ticket = Ticket.objects.get()
    assert ticket.reference == reference
    assert ticket.attachments.get().original_name == "gateway-error.png"
    assert ticket.priority == "critical"

    agent = new_page()
    sign_in(agent, base, "tara@example.edu")
    expect(agent).to_have_url(f"{base}/desk/")
    agent.get_by_role("navigation", name="Queues").get_by_role("link", name="Unassigned").click()
    agent.get_by_role("link", name=f"{reference} Online fee payments").click()
    expect(agent.get_by_alt_text("Screenshot gateway-error.png").first).to_be_visible()
    agent.evaluate("window.notReloaded = true")
    agent.get_by_role("button", name="Take it").click()
    expect(agent.locator("#properties")).to_contain_text("Tara Iyer")
    expect(agent.locator("#timeline")).to_contain_text("took the ticket")
    assert agent.evaluate("window.notReloaded") is True

    agent.get_by_role("tab", name="Internal note").click()
    agent.get_by_label("Message").nth(1).fill("Gateway logs show 504s from the bank side.")
    agent.get_by_role("button", name="Add internal note").click()
    expect(agent.locator(".event--internal")).to_contain_text("504s from the bank side")
    agent.get_by_role("tab", name="Reply to requester").click()
    agent.get_by_label("Message").first.fill("The bank fixed their gateway; please try again.")
    agent.get_by_role("button", name="Send reply to requester").click()
    expect(agent.locator(".event--public_reply")).to_contain_text("please try again")
    # The status is open already on a ticket being worked on; the link opens it regardless.
    agent.get_by_role("navigation", name="Change the ticket").get_by_role(
        "link", name="Status"
    ).click()
    agent.locator("#change-status").get_by_label("New status").select_option(label="Resolved")
    agent.locator("#change-status").get_by_role("button", name="Save").click()
    expect(agent.locator("#ticket-badges")).to_contain_text("Resolved")
    expect(agent.locator("#timeline")).to_contain_text(
        "changed the status from In progress to Resolved"
    )
    shoot(agent, "desk-ticket")

    requester.goto(f"{base}/portal/tickets/{ticket.pk}/")
    expect(requester.locator(".timeline")).to_contain_text("please try again")
    expect(requester.locator("body")).not_to_contain_text("504s from the bank side")
    requester.get_by_role("button", name="Yes, it's fixed").click()
    expect(requester.locator(".tickethead")).to_contain_text("Closed")
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_bulk_assign_and_status_with_confirmation(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    for n in range(3):
        factories.ticket(people["requester"], title=f"Receipt problem {n}")
    page = new_page()
    sign_in(page, live_server.url, "tara")
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="All").click()
    page.get_by_label("Select all tickets on this page").check()
    expect(page.locator("[data-bulk-count]")).to_have_text("3 selected")
    page.locator("#bulk-assignee").select_option(label="Tara Iyer")
    shoot(page, "desk-queue")
    page.get_by_role("button", name="Review change…").click()
    expect(page.get_by_role("heading", name="Confirm the change")).to_be_visible()
    page.get_by_role("button", name="Yes, change 3 tickets").click()
    expect(page.locator(".alert--success")).to_contain_text("3 tickets updated.")
    assert Ticket.objects.filter(assignee=people["agent"]).count() == 3

    page.get_by_label("Select all tickets on this page").check()
    page.locator("#bulk-action").select_option("status")
    page.locator("#bulk-status").select_option(label="Triaged")
    page.get_by_role("button", name="Review change…").click()
    page.get_by_role("button", name="Yes, change 3 tickets").click()
    expect(page.locator(".alert--success")).to_contain_text("3 tickets updated.")
    assert Ticket.objects.filter(status=Status.TRIAGED).count() == 3


def test_filters_apply_in_place_and_stay_in_the_url(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    factories.ticket(people["requester"], title="Urgent one", urgency="high", impact="high")
    factories.ticket(people["requester"], title="Calm one", urgency="low", impact="low")
    page = new_page()
    sign_in(page, live_server.url, "tara")
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="All").click()
    # htmx listens for the change only once the new page has loaded its scripts.
    page.wait_for_load_state()
    page.get_by_text("Filters", exact=True).click()  # the filters fold away in one row
    page.get_by_label("Priority").select_option("critical")
    expect(page.locator("#queue-results")).not_to_contain_text("Calm one")
    expect(page.locator("#queue-results")).to_contain_text("Urgent one")
    assert "priority=critical" in page.url
    page.reload()
    expect(page.locator("#queue-results")).not_to_contain_text("Calm one")


def test_another_institution_gets_404_on_ticket_and_attachment(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    from hypercare.tickets.services.attachments import add_attachment
    from tests.web.conftest import png_file

    ticket = factories.ticket(people["requester"], title="Northfield private matter")
    attachment = add_attachment(
        ticket=ticket, actor=people["requester"], name="private.png", content=png_file()
    )
    page = new_page()
    sign_in(page, live_server.url, "sam")
    response = page.goto(f"{live_server.url}/portal/tickets/{ticket.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("We couldn't find that")
    expect(page.locator("body")).not_to_contain_text("Northfield private matter")
    shoot(page, "not-found")
    response = page.goto(f"{live_server.url}/attachments/{attachment.pk}/")
    assert response is not None
    assert response.status == 404


def test_main_pages_have_no_serious_accessibility_problems(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    base = live_server.url
    ticket = factories.ticket(people["requester"], title="Exam results not published")
    module = ticket.module
    problems: dict[str, list[str]] = {}

    def check(page: Page, url: str, name: str) -> None:
        page.goto(f"{base}{url}")
        shoot(page, name)
        found = serious_accessibility_problems(page)
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            found.append("the page scrolls sideways")
        if found:
            problems[url] = found

    visitor = new_page()
    check(visitor, "/login/", "sign-in")
    portal = new_page()
    sign_in(portal, base, "riya")
    check(portal, "/portal/", "portal-my-tickets")
    check(portal, "/portal/report/", "portal-report")
    check(portal, f"/portal/report/?module={module.pk}&category=incident", "portal-report-incident")
    check(portal, f"/portal/tickets/{ticket.pk}/", "portal-ticket")
    desk = new_page()
    sign_in(desk, base, "tara")
    check(desk, "/desk/?queue=all", "desk-queue-all")
    check(desk, f"/desk/tickets/{ticket.pk}/", "desk-ticket-page")
    check(desk, "/desk/saved-replies/", "desk-saved-replies")
    phone = new_page(phone=True)
    sign_in(phone, base, "riya")
    check(phone, "/portal/", "phone-portal-my-tickets")
    check(phone, f"/portal/tickets/{ticket.pk}/", "phone-portal-ticket")
    phone_desk = new_page(phone=True)
    sign_in(phone_desk, base, "tara")
    check(phone_desk, "/desk/?queue=all", "phone-desk-queue")
    assert problems == {}


def test_a_system_admin_signs_in_at_the_desk_and_uses_the_admin_and_api_docs(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    factories.user(Role.ADMIN, username="sysadmin", first_name="Sys")
    base = live_server.url
    page = new_page()
    page.goto(f"{base}/admin/orgs/team/add/")
    expect(page).to_have_url(f"{base}/login/?next=/admin/orgs/team/add/")
    page.get_by_label("Username or email").fill("sysadmin")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/admin/orgs/team/add/")
    page.get_by_label("Name:").press_sequentially("Second line")
    expect(page.get_by_label("Slug:")).to_have_value("second-line")
    # The lead is chosen by name among the support agents (no requester is offered).
    page.get_by_label("Lead:").select_option(label="Tara Iyer")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    page.goto(f"{base}/admin/tickets/ticket/")
    expect(page.locator("#content h1")).to_contain_text("ticket")
    shoot(page, "admin-tickets")

    page.goto(f"{base}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Hypercare API")
    page.get_by_role("button", name="GET /api/v1/tickets", exact=False).first.click()
    expect(page.locator(".opblock.is-open").first).to_be_visible()
    shoot(page, "api-docs")

"""A phone call logged on the desk in a real browser: the agent finds the caller by name
among their institution's people (another institution's are never offered), asks the
category's questions, attaches a screenshot, and the ticket is the caller's, saying who
opened it on their behalf and how."""

from collections.abc import Callable

import pytest
from playwright.sync_api import FilePayload, Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.models import User
from hypercare.tickets.models import Ticket
from tests.browser.conftest import serious_accessibility_problems, sign_in
from tests.web.conftest import PNG

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ON_BEHALF = "Tara Iyer opened the ticket on behalf of Riya Sen by phone"


def test_an_agent_logs_a_phone_call_for_a_requester_who_then_follows_it_on_the_portal(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    base = live_server.url
    agent = new_page()
    sign_in(agent, base, "tara")
    agent.goto(f"{base}/desk/")
    agent.get_by_role("link", name="New ticket").click()
    agent.get_by_label("Institution and module").select_option(label="Northfield University · Fees")
    agent.get_by_text("I have a question").click()
    assert serious_accessibility_problems(agent) == []
    agent.get_by_role("button", name="Continue").click()
    agent.wait_for_load_state()

    search = agent.get_by_label("Find the requester")
    search.fill("sam")
    expect(agent.locator("#requester-choices")).to_contain_text("No one at this institution")
    search.fill("riya")
    agent.get_by_role("radio", name="Riya Sen").check()
    expect(agent.get_by_role("radio", name="Phone")).to_be_checked()
    agent.get_by_label("In one line, what is wrong?").fill("Fee receipt prints blank")
    agent.get_by_label("Which screen or report is it about?").fill("Fee receipt")
    agent.get_by_label("Tell us more").fill("Called at 10:05: every receipt prints blank.")
    screenshot: FilePayload = {"name": "receipt.png", "mimeType": "image/png", "buffer": PNG}
    agent.locator("input[type=file][name=screenshots]").set_input_files(files=[screenshot])
    assert serious_accessibility_problems(agent) == []
    agent.get_by_role("button", name="Open the ticket").click()

    ticket = Ticket.objects.get()
    expect(agent).to_have_url(f"{base}/desk/tickets/{ticket.pk}/")
    expect(agent.get_by_text(ON_BEHALF)).to_be_visible()
    expect(agent.get_by_text("receipt.png").first).to_be_visible()
    assert (ticket.requester, ticket.reported_by) == (people["requester"], people["agent"])
    assert ticket.channel == "phone"

    requester = new_page()
    sign_in(requester, base, "riya")
    requester.goto(f"{base}/portal/tickets/{ticket.pk}/")
    expect(requester.get_by_text(ON_BEHALF)).to_be_visible()

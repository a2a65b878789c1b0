"""Links between tickets in a real browser: an agent links two tickets, merges a
duplicate and splits a message off; each requester sees where their issue went, and
another institution's requester never meets a reference to a ticket not theirs."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.models import User
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.conversation import add_public_reply
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SPLIT_OFF = "Separately: the library fine also shows twice on my statement."
RIYA_ON_SURVIVOR = "Mine is the same receipt; the blank page is still there today."


def _link(page: Page, kind: str, other: Ticket) -> None:
    panel = page.locator("#links-panel")
    panel.get_by_text("Link to a ticket").click()
    panel.get_by_label("This ticket is").select_option(label=kind)
    panel.get_by_label("Ticket", exact=True).fill(other.reference)
    panel.get_by_role("button", name="Link", exact=True).click()
    expect(page.locator("#links-panel .link").filter(has_text=other.reference)).to_be_visible()


def _merge(page: Page, survivor: Ticket) -> None:
    panel = page.locator("#links-panel")
    panel.get_by_text("Merge into another ticket").click()
    panel.get_by_label("Merge into").fill(survivor.reference)
    panel.get_by_label("Reason").fill("Same blank receipt.")
    panel.get_by_role("button", name="Merge").click()


def test_an_agent_links_merges_and_splits_and_each_requester_sees_where_their_issue_is(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    base = live_server.url
    riya, sam = people["requester"], people["outsider"]
    assert riya.institution is not None
    nina = factories.requester(riya.institution, username="nina", first_name="Nina")
    duplicate = factories.ticket(riya, title="Receipt prints blank for me too")
    survivor = factories.ticket(nina, title="Fee receipt does not print")
    related = factories.ticket(nina, title="Statement shows fees twice")
    southbank = factories.ticket(sam, title="Southbank receipt is blank")
    add_public_reply(ticket=survivor, actor=nina, body=SPLIT_OFF)

    agent = new_page()
    sign_in(agent, base, "tara")
    agent.goto(f"{base}/desk/tickets/{survivor.pk}/")
    _link(agent, "Related to", related)
    _link(agent, "Related to", southbank)
    agent.goto(f"{base}/desk/tickets/{related.pk}/")
    expect(agent.locator("#links-panel")).to_contain_text(survivor.reference)

    agent.goto(f"{base}/desk/tickets/{duplicate.pk}/")
    _merge(agent, survivor)
    expect(agent).to_have_url(f"{base}/desk/tickets/{survivor.pk}/")
    expect(agent.locator("#links-panel")).to_contain_text(duplicate.reference)
    agent.goto(f"{base}/desk/tickets/{duplicate.pk}/")
    expect(agent.locator("#links-panel .notice")).to_contain_text(
        f"Merged into {survivor.reference}"
    )
    expect(agent.locator("#properties")).to_contain_text("Closed")

    agent.goto(f"{base}/desk/tickets/{survivor.pk}/")
    message = agent.locator(".event--public_reply").filter(has_text=SPLIT_OFF)
    message.get_by_role("link", name="Make a new ticket from this message").click()
    agent.get_by_label("Title of the new ticket").fill("Library fine shown twice")
    agent.get_by_role("button", name="Make the ticket").click()
    expect(agent.get_by_role("heading", name="Library fine shown twice")).to_be_visible()
    expect(agent.get_by_text(SPLIT_OFF).first).to_be_visible()
    expect(agent.locator("#links-panel")).to_contain_text(survivor.reference)
    assert serious_accessibility_problems(agent) == []
    shoot(agent, "links-split-ticket")

    requester = new_page()
    sign_in(requester, base, "riya")
    requester.goto(f"{base}/portal/tickets/{duplicate.pk}/")
    expect(requester.get_by_text("This ticket is closed: the work continues on")).to_be_visible()
    requester.get_by_role("link", name=survivor.reference).first.click()
    expect(requester).to_have_url(f"{base}/portal/tickets/{survivor.pk}/")
    requester.locator("#reply").get_by_label("Message").fill(RIYA_ON_SURVIVOR)
    requester.get_by_role("button", name="Send reply").click()
    expect(requester.locator(".timeline")).to_contain_text(RIYA_ON_SURVIVOR)
    shoot(requester, "links-merged-requester")

    outsider = new_page()
    sign_in(outsider, base, "sam")
    outsider.goto(f"{base}/portal/tickets/{southbank.pk}/")
    expect(outsider.get_by_role("heading", name=southbank.title)).to_be_visible()
    expect(outsider.locator("#links-panel")).to_have_count(0)
    expect(outsider.locator("body")).not_to_contain_text(survivor.reference)

"""Tags in a real browser: an agent tags a ticket in place by typing (a new tag, then a
known one on another ticket), finds both tickets through the queue's tag filter and takes
a tag off; a support manager merges a stray tag into it; the requester never sees one."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.tags.services import add_tag
from hypercare.tickets.models import Ticket
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _tag(page: Page, name: str) -> None:
    panel = page.locator("#tags-panel")
    panel.get_by_label("Tag", exact=True).fill(name)
    panel.get_by_role("button", name="Add tag").click()


def _tags_shown(page: Page) -> list[str]:
    return page.locator("#tags-panel .link .badge").all_inner_texts()


def test_an_agent_tags_filters_and_untags_and_a_manager_merges(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    base = live_server.url
    riya, tara = people["requester"], people["agent"]
    receipt = factories.ticket(riya, title="Fee receipt prints blank")
    statement = factories.ticket(riya, title="Statement shows fees twice")
    untagged = factories.ticket(riya, title="Timetable export is empty")
    stray = add_tag(ticket=untagged, actor=tara, name="vendr bug")
    factories.agent(Role.SUPPORT_MANAGER, username="meera", first_name="Meera")

    agent = new_page()
    sign_in(agent, base, "tara")
    agent.goto(f"{base}/desk/tickets/{receipt.pk}/")
    _tag(agent, "Vendor  Bug")
    expect(agent.locator("#tags-panel .link")).to_have_count(1)
    assert _tags_shown(agent) == ["vendor bug"]
    expect(agent.locator(".timeline")).to_contain_text("tagged this ticket “vendor bug”")
    _tag(agent, "")
    expect(agent.locator("#tags-panel")).to_contain_text("must not be empty")
    assert serious_accessibility_problems(agent) == []
    shoot(agent, "tags-ticket-panel")

    agent.goto(f"{base}/desk/tickets/{statement.pk}/")
    _tag(agent, "vendor bug")
    expect(agent.locator("#tags-panel .link")).to_have_count(1)
    _tag(agent, "fees")
    expect(agent.locator("#tags-panel .link")).to_have_count(2)
    agent.locator("#tags-panel").get_by_role("button", name="Remove the tag fees").click()
    expect(agent.locator("#tags-panel .link")).to_have_count(1)
    assert _tags_shown(agent) == ["vendor bug"]

    agent.locator("#tags-panel").get_by_role("link", name="vendor bug").click()
    rows = agent.locator("#queue-results")
    expect(rows).to_contain_text(receipt.reference)
    expect(rows).to_contain_text(statement.reference)
    expect(rows).not_to_contain_text(untagged.reference)

    manager = new_page()
    sign_in(manager, base, "meera")
    manager.goto(f"{base}/desk/tags/")
    manager.get_by_role("link", name="vendr bug", exact=True).click()
    manager.get_by_label("Merge into", exact=True).select_option(label="vendor bug")
    manager.get_by_role("button", name="Merge").click()
    expect(manager.get_by_role("heading", name="Tag “vendor bug”")).to_be_visible()
    expect(manager.get_by_text("3 tickets")).to_be_visible()
    assert serious_accessibility_problems(manager) == []
    shoot(manager, "tags-merged")
    _assert_tagged(untagged, stray.pk)

    requester = new_page()
    sign_in(requester, base, "riya")
    requester.goto(f"{base}/portal/tickets/{receipt.pk}/")
    expect(requester.get_by_role("heading", name=receipt.title)).to_be_visible()
    expect(requester.locator("#tags-panel")).to_have_count(0)
    expect(requester.locator("body")).not_to_contain_text("vendor bug")


def _assert_tagged(ticket: Ticket, gone: int) -> None:
    names = list(ticket.taggings.values_list("tag__name", flat=True))
    assert names == ["vendor bug"]
    assert not ticket.taggings.filter(tag_id=gone).exists()

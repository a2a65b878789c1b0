"""Macros in a real browser: an agent applies a macro on a ticket's page and sees its steps
done and its one summary entry on the timeline; the requester sees neither note nor
summary."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.macros.services import MacroSteps, create_macro
from hypercare.tickets.choices import Priority, Status
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_agent_applies_a_macro_and_sees_the_summary(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    base = live_server.url
    ticket = factories.ticket(people["requester"], title="Fee receipt prints blank")
    create_macro(
        actor=factories.agent(Role.SUPPORT_MANAGER, username="meera"),
        steps=MacroSteps(
            name="Vendor bug",
            priority=Priority.HIGH,
            tags_to_add=["vendor bug"],
            note="Raised with the vendor.",
            status=Status.WAITING_ON_THIRD_PARTY,
        ),
    )

    agent = new_page()
    sign_in(agent, base, "tara")
    agent.goto(f"{base}/desk/tickets/{ticket.pk}/")
    panel = agent.locator("#macros-panel")
    panel.get_by_label("Macro").select_option(label="Vendor bug")
    panel.get_by_role("button", name="Apply macro").click()

    expect(agent.get_by_text("Macro “Vendor bug” applied")).to_be_visible()
    timeline = agent.locator(".timeline")
    expect(timeline).to_contain_text("applied the macro “Vendor bug”")
    expect(timeline).to_contain_text("set the status to Waiting on third party.")
    expect(agent.locator("#tags-panel")).to_contain_text("vendor bug")
    assert serious_accessibility_problems(agent) == []

    requester = new_page()
    sign_in(requester, base, "riya")
    requester.goto(f"{base}/portal/tickets/{ticket.pk}/")
    expect(requester.locator("main")).not_to_contain_text("Raised with the vendor.")
    expect(requester.locator("main")).not_to_contain_text("Vendor bug")

"""A problem in a real browser: recorded from a ticket, a second ticket linked, its
workaround written and published; each requester reads it on their own ticket, and an
agent triaging a new ticket finds the known error."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.models import User
from hypercare.problems.models import Problem
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WORKAROUND = "Print the receipt from the student's statement page until the fix ships."


def test_a_published_workaround_reaches_each_requester_and_the_known_error_is_found(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    base = live_server.url
    riya, sam = people["requester"], people["outsider"]
    first = factories.ticket(riya, title="Fee receipt prints blank")
    second = factories.ticket(sam, title="Blank page when printing a receipt")
    triaged = factories.ticket(riya, title="Receipt PDF is empty")

    agent = new_page()
    sign_in(agent, base, "tara")
    agent.goto(f"{base}/desk/tickets/{first.pk}/")
    agent.get_by_role("button", name="New problem from this ticket…").click()
    expect(agent.get_by_label("Title")).to_have_value(first.title)
    agent.get_by_label("Title").fill("Receipt template renders blank")
    agent.get_by_label("Root-cause analysis").fill("The receipt template lost its font.")
    agent.get_by_role("button", name="Record problem").click()
    expect(agent.get_by_role("heading", name="Receipt template renders blank")).to_be_visible()
    problem = Problem.objects.get()

    agent.get_by_label("Ticket reference").fill(second.reference)
    agent.get_by_role("button", name="Link ticket").click()
    linked = agent.locator("section[aria-labelledby=tickets-heading]")
    for ticket in (first, second):
        expect(linked).to_contain_text(ticket.reference)
    agent.locator("#id_workaround").fill(WORKAROUND)
    agent.get_by_role("button", name="Save").click()
    expect(agent.get_by_text("Problem updated.")).to_be_visible()
    agent.get_by_role("button", name="Publish the workaround").click()
    expect(agent.get_by_text("Workaround posted to 2 tickets.")).to_be_visible()
    agent.get_by_label("Move to").select_option(label="Known error")
    agent.get_by_role("button", name="Change status").click()
    expect(agent.get_by_text("known error since")).to_be_visible()
    assert serious_accessibility_problems(agent) == []
    shoot(agent, "problem-page")

    agent.goto(f"{base}/desk/tickets/{triaged.pk}/")
    agent.get_by_label("Search the known errors").fill("receipt blank")
    results = agent.locator("#known-error-results")
    expect(results).to_contain_text("Receipt template renders blank")
    expect(results).to_contain_text(WORKAROUND)
    shoot(agent, "problem-known-error-search")

    for login, ticket in (("riya", first), ("sam", second)):
        requester = new_page()
        sign_in(requester, base, login)
        requester.goto(f"{base}/portal/tickets/{ticket.pk}/")
        conversation = requester.locator(".timeline")
        expect(conversation).to_contain_text("posted a workaround while the cause is being fixed")
        expect(conversation).to_contain_text(WORKAROUND)
        expect(requester.locator("body")).not_to_contain_text(problem.reference)

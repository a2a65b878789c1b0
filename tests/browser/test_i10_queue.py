"""The queue as an agent works it on a laptop: a dozen tickets in view, quiet filters,
and the keyboard."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Request, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.models import Team
from hypercare.tickets.models import Ticket
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in

# Data migrations (default templates and the like) must survive each test's flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def tickets(people: dict[str, User]) -> list[Ticket]:
    return [
        factories.ticket(people["requester"], title=f"Fee receipt problem number {n}")
        for n in range(25)
    ]


def _queue(page: Page, base: str) -> None:
    page.set_viewport_size(LAPTOP)  # type: ignore[arg-type]
    sign_in(page, base, "tara")
    page.goto(f"{base}/desk/?queue=all")
    # The keys and the filters' commit are wired once the page's scripts have run.
    page.wait_for_load_state()


def _rows_in_view(page: Page) -> int:
    counted: int = page.evaluate(
        """() => [...document.querySelectorAll("[data-queue-row]")].filter((row) => {
          const box = row.getBoundingClientRect();
          return box.top >= 0 && box.bottom <= window.innerHeight;
        }).length"""
    )
    return counted


def _focused_row(page: Page) -> str:
    text: str = page.evaluate(
        "() => document.activeElement.closest('[data-queue-row]')?.querySelector('.ref')"
        "?.textContent || ''"
    )
    return text


def test_a_laptop_screen_shows_at_least_ten_tickets(
    live_server: LiveServer, new_page: Callable[..., Page], tickets: list[Ticket]
) -> None:
    page = new_page()
    _queue(page, live_server.url)
    shoot(page, "i10-queue-laptop")
    assert _rows_in_view(page) >= 10
    page.get_by_text("Filters", exact=True).click()
    expect(page.get_by_label("Priority")).to_be_visible()
    assert serious_accessibility_problems(page) == []


def test_rows_are_one_tab_stop_each_and_j_k_enter_work(
    live_server: LiveServer, new_page: Callable[..., Page], tickets: list[Ticket]
) -> None:
    page = new_page()
    _queue(page, live_server.url)
    refs = [ticket.reference for ticket in tickets]

    page.keyboard.press("j")
    assert _focused_row(page) == refs[0]
    page.keyboard.press("Tab")
    assert _focused_row(page) == refs[1]
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert _focused_row(page) == refs[2]
    page.keyboard.press("x")
    expect(page.locator("[data-bulk-count]")).to_have_text("1 selected")
    expect(page.get_by_role("button", name="Review change…")).to_be_visible()

    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keys in the queue")
    expect(help_dialog).to_be_visible()
    assert serious_accessibility_problems(page) == []
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()

    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/desk/tickets/{tickets[2].pk}/")


def test_arrowing_through_a_filter_reloads_once_on_enter(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    factories.ticket(people["requester"], title="Urgent one", urgency="high", impact="high")
    factories.ticket(people["requester"], title="Calm one", urgency="low", impact="low")
    page = new_page()
    _queue(page, live_server.url)
    loads: list[str] = []

    def count(request: Request) -> None:
        if request.headers.get("hx-request"):
            loads.append(request.url)

    page.on("request", count)
    page.get_by_text("Filters", exact=True).click()
    priority = page.get_by_label("Priority")
    priority.focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    page.wait_for_timeout(500)
    assert priority.input_value() == "medium"
    assert loads == []

    with page.expect_response(lambda response: "priority=low" in response.url):
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
    expect(page.locator("#queue-results")).not_to_contain_text("Urgent one")
    expect(page.locator("#queue-results")).to_contain_text("Calm one")
    assert len(loads) == 1
    assert "priority=low" in loads[0]


def test_the_support_manager_lands_on_the_teams_queue_and_ships_a_release(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    factories.agent(Role.SUPPORT_MANAGER, username="meera", first_name="Meera")
    desk = Team.objects.get(name="Service desk")
    ticket = factories.ticket(people["requester"], title="Payslips missing")
    Ticket.objects.filter(pk=ticket.pk).update(team=desk)
    page = new_page()
    page.set_viewport_size(LAPTOP)  # type: ignore[arg-type]
    sign_in(page, live_server.url, "meera")

    expect(page.locator(".teamcounts")).to_contain_text("Service desk")
    expect(page.locator("#queue-results")).to_contain_text("Payslips missing")
    assert serious_accessibility_problems(page) == []

    page.get_by_role("link", name="Releases").click()
    page.get_by_label("Version").fill("2025.3")
    page.get_by_label("Planned for").fill("2025-04-14")
    page.get_by_role("button", name="Plan release").click()
    expect(page.locator(".alert--success")).to_contain_text("Release 2025.3 planned.")
    page.get_by_text("Ship 2025.3…").click()
    assert serious_accessibility_problems(page) == []
    shoot(page, "i10-releases")
    page.get_by_role("button", name="Ship 2025.3 now").click()
    expect(page.locator(".alert--success")).to_contain_text("Release 2025.3 shipped.")
    expect(page.locator("#main")).to_contain_text("shipped")

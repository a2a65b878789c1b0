"""A release in a real browser: a support manager plans it, plans a ticket's fix and a
problem's fix into it, words its notes and ships it; the requester reads "fixed in
release X" and an institution's admin reads only their institution's items."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.choices import ModuleCode
from hypercare.problems.services.records import ProblemDetails, create_problem
from hypercare.releases.models import Release
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VERSION = "2026.4"
GENERAL = "Receipts print faster for everyone."
WORDED = "Fee receipts print again."


def _plan(page: Page) -> Release:
    page.get_by_role("link", name="Releases").first.click()
    page.get_by_label("Version").fill(VERSION)
    page.get_by_label("Release notes").fill("Draft: receipts.")
    page.get_by_role("button", name="Plan release").click()
    expect(page.get_by_text(f"Release {VERSION} planned.")).to_be_visible()
    return Release.objects.get()


def test_a_manager_ships_a_release_and_each_institution_reads_only_its_own_items(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    base = live_server.url
    riya, sam, tara = people["requester"], people["outsider"], people["agent"]
    assert riya.institution is not None
    factories.agent(Role.SUPPORT_MANAGER, username="meera", first_name="Meera")
    factories.user(
        Role.INSTITUTION_ADMIN, institution=riya.institution, username="ines", first_name="Ines"
    )
    ticket = factories.ticket(riya, title="Fee receipt prints blank")
    southbank = factories.ticket(sam, title="Southbank hostel invoice totals wrong")
    problem = create_problem(
        actor=tara,
        details=ProblemDetails(
            title="Hostel invoices add the deposit twice",
            modules=[factories.module(southbank.institution, ModuleCode.FINANCE)],
        ),
        tickets=[southbank],
    )

    manager = new_page()
    sign_in(manager, base, "meera")
    release = _plan(manager)
    manager.goto(f"{base}/desk/tickets/{ticket.pk}/")
    manager.get_by_text("Plan for a release").click()
    manager.get_by_label("Ships in").select_option(label=f"{VERSION}")
    manager.locator("#change-release").get_by_role("button", name="Save").click()
    expect(manager.locator("#release")).to_contain_text(f"Ships in {VERSION}")
    manager.goto(f"{base}/desk/problems/{problem.pk}/")
    manager.get_by_label("Fix ships in").select_option(label=f"{VERSION}")
    manager.get_by_role("button", name="Plan the fix").click()
    expect(manager.get_by_text(f"fix in release {VERSION}")).to_be_visible()

    manager.goto(f"{base}/desk/releases/{release.pk}/")
    manager.get_by_label("General notes").fill(GENERAL)
    manager.get_by_role("button", name="Save general notes").click()
    expect(manager.get_by_text("General notes saved.")).to_be_visible()
    manager.get_by_role("button", name="Compile the items again").click()
    manager.get_by_label(ticket.reference).fill(WORDED)
    manager.locator(".noteitem").filter(has=manager.get_by_label(ticket.reference)).get_by_role(
        "button", name="Save line"
    ).click()
    expect(manager.get_by_text(f"Line of {ticket.reference} saved.")).to_be_visible()
    expect(manager.locator(".noteitem")).to_have_count(2)
    assert serious_accessibility_problems(manager) == []
    manager.get_by_role("button", name=f"Ship {VERSION} now").click()
    expect(manager.get_by_text(f"Release {VERSION} shipped.")).to_be_visible()
    shoot(manager, "release-shipped")

    requester = new_page()
    sign_in(requester, base, "riya")
    requester.goto(f"{base}/portal/tickets/{ticket.pk}/")
    expect(requester.locator(".timeline")).to_contain_text(f"The fix shipped in release {VERSION}")
    expect(requester.locator("#release")).to_contain_text(f"Ships in {VERSION}")

    other = new_page()
    sign_in(other, base, "sam")
    other.goto(f"{base}/portal/tickets/{southbank.pk}/")
    expect(other.locator(".timeline")).to_contain_text(
        f"The fix for this issue shipped in release {VERSION}"
    )

    admin = new_page()
    sign_in(admin, base, "ines")
    admin.goto(f"{base}/portal/releases/{release.pk}/")
    notes = admin.locator("section[aria-labelledby=notes-heading]")
    expect(notes).to_contain_text(GENERAL)
    expect(notes).to_contain_text(WORDED)
    for theirs in (problem.title, southbank.title, southbank.reference, southbank.institution.name):
        expect(admin.locator("body")).not_to_contain_text(theirs)
    shoot(admin, "release-portal-admin")

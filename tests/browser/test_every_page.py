"""axe on every page of the web desk, as each persona: every URL pattern of
``hypercare.web.urls`` is visited (tests/web/every_page.py fills its parameters), and
any violation fails the test, whatever its impact."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import AXE_URL, sign_in
from tests.web.every_page import PERSONAS, USERNAMES, addresses, build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Files (a ticket's, a change's test evidence, a review pack's), raw messages, release
# notes as text and the access ledger's exports are downloads, not pages; signing out ends
# the persona's visit, so it goes last.
NOT_PAGES = ("/attachments/", "/changes/files/")
DOWNLOADS = ("/raw/", "/notes.txt", "/export.csv", "/export.xlsx", "/html/", "/pdf/", "/xlsx/")
LAST = "/logout/"


def accessibility_problems(page: Page) -> list[str]:
    """Every axe violation on the page as it is now, of any impact."""
    page.add_script_tag(url=AXE_URL)
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in violations
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_axe_finds_nothing_on_any_page(
    live_server: LiveServer, new_page: Callable[..., Page], persona: str
) -> None:
    world = build_world()
    base = live_server.url
    page = new_page()
    if persona != "anonymous":
        sign_in(page, base, USERNAMES[persona])
    pages = [
        a for a in addresses(world) if not a.startswith(NOT_PAGES) and not a.endswith(DOWNLOADS)
    ]
    pages.sort(key=lambda address: address == LAST)
    found: dict[str, list[str]] = {}
    for address in pages:
        response = page.goto(base + address)
        page.wait_for_load_state()
        assert response is not None
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue  # a saved reply's text, for the composer: not a page
        if problems := accessibility_problems(page):
            found[f"{address} (shown {page.url.removeprefix(base)})"] = problems
    assert len(pages) > 20
    assert found == {}, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in found.items())

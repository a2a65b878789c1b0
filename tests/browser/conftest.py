"""Playwright against the live server, driving Debian's chromium (no browser download)."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, sync_playwright

from hypercare.accounts.models import User
from tests import factories

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls
# (setting up personas) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("HYPERCARE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_URL = "/__tests__/axe.min.js"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
# Each page of a context reports what its Content-Security-Policy refused, as it happens.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} refused ${event.blockedURI || "inline"} on ${document.URL}` +
    ` (${event.sourceFile}:${event.lineNumber})`
  );
});
"""


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install chromium`")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Pages of fresh contexts; the test fails if any of them broke the content policy."""
    contexts: list[BrowserContext] = []
    violations: list[str] = []

    def report(violation: str) -> None:
        violations.append(violation)

    def make(*, phone: bool = False) -> Page:
        context = browser.new_context(viewport=PHONE if phone else DESKTOP)
        context.set_default_timeout(10_000)
        context.expose_function("reportCspViolation", report)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.route(f"**{AXE_URL}", lambda route: route.fulfill(path=AXE))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


def sign_in(page: Page, base_url: str, login: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username or email").fill(login)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def serious_accessibility_problems(page: Page, *, read_stylesheets: bool = True) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now.

    axe is loaded from an address of the desk's own (answered by the browser context), as
    the page's content policy refuses an inline script. ``read_stylesheets=False`` skips
    axe's reading of the style sheets (only its orientation-lock rule needs them): on the
    Django admin's pages, whose sheets ``@import`` others, axe copies them into an inline
    ``<style>`` that the content policy rightly refuses.
    """
    page.add_script_tag(url=AXE_URL)
    violations = page.evaluate(
        "async (preload) => (await axe.run(document, {resultTypes: ['violations'], preload}))"
        ".violations",
        read_stylesheets,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def people(transactional_db: None) -> dict[str, User]:
    north = factories.institution("Northfield University", slug="northfield")
    south = factories.institution("Southbank College", slug="southbank")
    factories.integration(north, name="Campus Pay")
    desk = factories.team("Service desk")
    agent = factories.agent(username="tara", first_name="Tara", last_name="Iyer")
    desk.members.add(agent)
    return {
        "requester": factories.requester(
            north, username="riya", first_name="Riya", last_name="Sen"
        ),
        "agent": agent,
        "outsider": factories.requester(south, username="sam", first_name="Sam"),
    }

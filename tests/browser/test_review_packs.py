"""A support manager's month in a real browser: the dashboard, the breached tickets behind
a figure, the monthly review built while the page shows its progress, and its PDF, whose
first page is rendered to PNG and kept as an artifact (artifacts/packs/)."""

from collections.abc import Callable
from pathlib import Path

import pypdfium2
import pytest
from django.conf import settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.jobs import JOBS
from hypercare.sla.choices import ClockState
from hypercare.tickets.choices import Priority
from hypercare.tickets.models import Ticket
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "packs"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _tickets(requester: User) -> tuple[Ticket, Ticket]:
    """One high-priority ticket whose resolution clock breached, one still within it."""
    breached = factories.ticket(requester, title="Payroll run fails at posting")
    Ticket.objects.filter(pk=breached.pk).update(
        priority=Priority.HIGH, resolution_state=ClockState.BREACHED
    )
    kept = factories.ticket(requester, title="Leave balance shows zero")
    Ticket.objects.filter(pk=kept.pk).update(
        priority=Priority.HIGH, resolution_state=ClockState.MET
    )
    return breached, kept


def first_page_png(pdf: Path, png: Path) -> Path:
    """The PDF's first page drawn to a PNG file, at 100 dots per inch."""
    document = pypdfium2.PdfDocument(pdf)
    image = document[0].render(scale=100 / 72).to_pil()
    png.parent.mkdir(parents=True, exist_ok=True)
    image.save(png, format="PNG")
    document.close()
    return png


def test_a_manager_drills_into_breaches_builds_the_monthly_review_and_keeps_its_pdf(
    live_server: LiveServer,
    new_page: Callable[..., Page],
    people: dict[str, User],
    tmp_path: Path,
) -> None:
    factories.agent(Role.SUPPORT_MANAGER, username="meera", first_name="Meera")
    breached, kept = _tickets(people["requester"])
    base = live_server.url
    page = new_page()
    sign_in(page, base, "meera")

    page.goto(f"{base}/reports/")
    expect(page.get_by_role("heading", name="SLA attainment per priority")).to_be_visible()
    page.locator('a[aria-label^="High, resolution"]').first.click()
    expect(page.get_by_text(breached.title)).to_be_visible()
    expect(page.get_by_text(kept.title)).to_have_count(0)

    page.goto(f"{base}/reports/")
    page.get_by_role("link", name="Review packs").click()
    page.get_by_label("Pack", exact=True).select_option(label="Monthly review")
    page.get_by_label("Post-live review notes").fill("Payroll posting needs a problem record.")
    page.get_by_role("button", name="Build the pack").click()
    status = page.locator("[data-pack-status]")
    expect(status).to_have_attribute("data-pack-status", "queued")
    expect(page.get_by_role("progressbar", name="Built so far")).to_be_visible()
    assert serious_accessibility_problems(page) == []

    assert JOBS["review_pack_builds"].function() == {"built": 1, "failed": 0}
    expect(status).to_have_attribute("data-pack-status", "ready", timeout=15_000)
    shoot(page, "review-pack-ready")

    with page.expect_download() as started:
        page.get_by_role("link", name="PDF").click()
    pdf = tmp_path / started.value.suggested_filename
    started.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    png = first_page_png(pdf, ARTIFACTS / "monthly-review-page-1.png")
    print(f"The monthly review's first page: {png}")  # noqa: T201 (the artifact's place)
    content = png.read_bytes()
    assert content.startswith(PNG_SIGNATURE)
    assert len(content) > 20_000
    width, height = int.from_bytes(content[16:20]), int.from_bytes(content[20:24])
    assert (width, height) == (827, 1170)  # A4 at 100 dots per inch

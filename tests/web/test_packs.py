"""The review pack pages: build, watch the build, download, notes and schedules."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from hypercare.reports.models import PackSchedule, ReviewPack
from hypercare.reports.services import build_queued_packs, request_pack
from tests import factories
from tests.web.conftest import signed_in

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="mona")


@pytest.fixture
def admin_of_northfield(institution: Institution) -> User:
    return factories.user(Role.INSTITUTION_ADMIN, institution=institution, username="ines")


def test_a_manager_builds_a_pack_watches_it_and_downloads_it(manager: User) -> None:
    client = signed_in(manager)

    answer = client.post(
        "/reports/packs/build/", {"kind": "monthly", "institution": "", "notes": "Calm month."}
    )

    pack = ReviewPack.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/reports/packs/{pack.pk}/"
    page = client.get(f"/reports/packs/{pack.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert 'data-pack-status="queued"' in page

    build_queued_packs()

    polled = client.get(f"/reports/packs/{pack.pk}/status/", HTTP_HX_REQUEST="true")
    status = polled.content.decode()
    assert 'data-pack-status="ready"' in status
    assert "hx-trigger" not in status
    alone = client.get(f"/reports/packs/{pack.pk}/status/")
    assert alone["Location"] == f"/reports/packs/{pack.pk}/"
    pdf = client.get(f"/reports/packs/{pack.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    listing = client.get("/reports/packs/").content.decode()
    assert "Monthly review" in listing
    assert "All institutions" in listing


def test_the_pack_form_refuses_a_missing_kind_on_its_field(manager: User) -> None:
    answer = signed_in(manager).post("/reports/packs/build/", {"kind": "", "institution": ""})

    assert answer.status_code == 422
    assert "Choose a kind" in answer.content.decode()


def test_an_institution_admin_sees_no_notes_form_and_no_all_institutions_pack(
    admin_of_northfield: User, manager: User, institution: Institution
) -> None:
    everyone = request_pack(actor=manager, kind="weekly", institution=None)
    own = request_pack(actor=admin_of_northfield, kind="weekly", institution=institution)
    client = signed_in(admin_of_northfield)

    assert client.get(f"/reports/packs/{everyone.pk}/").status_code == 404
    page = client.get(f"/reports/packs/{own.pk}/").content.decode()
    assert "Keep the notes" not in page
    assert "Post-live review notes" not in client.get("/reports/packs/").content.decode()


def test_notes_are_kept_with_the_pack(manager: User) -> None:
    pack = request_pack(actor=manager, kind="weekly", institution=None)

    answer = signed_in(manager).post(
        f"/reports/packs/{pack.pk}/notes/", {"notes": "Finance asks for training."}
    )

    assert answer.status_code == 302
    pack.refresh_from_db()
    assert pack.notes == "Finance asks for training."


def test_a_schedule_to_someone_outside_the_institution_is_refused_on_the_field(
    manager: User, institution: Institution, outsider: User, requester: User
) -> None:
    client = signed_in(manager)
    data = {"kind": "weekly", "institution": institution.pk, "weekday": 0, "at": "08:00"}

    refused = client.post("/reports/pack-schedules/new/", {**data, "recipients": [outsider.pk]})
    saved = client.post("/reports/pack-schedules/new/", {**data, "recipients": [requester.pk]})

    assert refused.status_code == 422
    assert "only its people and support staff" in refused.content.decode()
    assert saved.status_code == 302
    schedule = PackSchedule.objects.get()
    assert list(schedule.recipients.all()) == [requester]
    page = client.get("/reports/pack-schedules/").content.decode()
    assert "Monday 08:00" in page

    assert client.post(f"/reports/pack-schedules/{schedule.pk}/stop/").status_code == 302
    schedule.refresh_from_db()
    assert not schedule.is_active


def test_a_requester_has_no_pack_forms(requester: User) -> None:
    client = signed_in(requester)

    assert "Build the pack" not in client.get("/reports/packs/").content.decode()
    assert client.post("/reports/packs/build/", {"kind": "weekly"}).status_code == 403
    assert ReviewPack.objects.count() == 0


def test_the_shared_chart_templates_leave_no_comment_or_pack_style_on_the_dashboard(
    manager: User, requester: User
) -> None:
    factories.ticket(requester)

    page = signed_in(manager).get("/reports/").content.decode()

    assert '<svg class="chart"' in page
    assert "svg_style" not in page
    assert "<style>" not in page


def test_the_pack_list_page_takes_as_many_queries_for_many(manager: User) -> None:
    client = signed_in(manager)
    for _ in range(2):
        request_pack(actor=manager, kind="weekly", institution=None)
    with CaptureQueriesContext(connection) as few:
        client.get("/reports/packs/")
    for _ in range(4):
        request_pack(actor=manager, kind="weekly", institution=None)
    with CaptureQueriesContext(connection) as many:
        client.get("/reports/packs/")

    assert len(many.captured_queries) == len(few.captured_queries)

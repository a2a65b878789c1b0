"""Review packs: asking, building (the job), files, notes, schedules and their mail."""

from datetime import UTC, datetime, time, timedelta
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
import time_machine
from openpyxl import load_workbook

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.adoption.services import UsageRow, record_module_usage
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.jobs import JOBS
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution, Module
from hypercare.reports.choices import PackKind, PackStatus, Weekday
from hypercare.reports.models import PackSchedule, ReviewPack
from hypercare.reports.services import (
    BUILD_REFUSED,
    build_queued_packs,
    create_pack_schedule,
    next_run,
    request_pack,
    run_due_schedules,
    write_pack_notes,
)
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.attachments import attachment_path
from tests import factories
from tests.factories import module

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday


@pytest.fixture(autouse=True)
def frozen(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="mona", first_name="Mona")


@pytest.fixture
def admin_of_northfield(institution: Institution) -> User:
    return factories.user(Role.INSTITUTION_ADMIN, institution=institution, username="ines")


def _opened(requester: User, title: str, days_ago: float = 1) -> Ticket:
    ticket = factories.ticket(requester, title=title)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=NOW - timedelta(days=days_ago))
    return ticket


def _built(pack: ReviewPack) -> ReviewPack:
    assert build_queued_packs()["built"] >= 1
    return ReviewPack.objects.get(pk=pack.pk)


def test_a_monthly_pack_is_queued_then_built_into_three_files(
    manager: User, requester: User, institution: Institution, other_institution: Institution
) -> None:
    _opened(requester, "Invoice approval stuck")
    factories.ticket(factories.requester(other_institution, username="sam"), title="Elsewhere")

    pack = request_pack(
        actor=manager, kind=PackKind.MONTHLY, institution=institution, notes="Go-live calm."
    )
    assert pack.status == PackStatus.QUEUED

    pack = _built(pack)

    assert pack.status == PackStatus.READY
    assert pack.progress == 100
    assert pack.period_end is not None
    assert pack.period_start is not None
    assert pack.period_end - pack.period_start == timedelta(days=30)
    keys = [section["key"] for section in pack.content["sections"]]
    assert keys[:4] == ["flow", "backlog", "times", "attainment"]
    assert {"by_module", "recurring", "training_gaps", "satisfaction", "handover"} <= set(keys)
    by_institution = next(s for s in pack.content["sections"] if s["key"] == "by_institution")
    assert by_institution["rows"] == [["Northfield University", 1]]
    html = attachment_path(pack.html_name).read_text()
    assert "Monthly review · Northfield University" in html
    assert "<svg" in html
    assert "<script" not in html
    assert "Go-live calm." in html


def test_the_pdf_holds_the_sections_text(manager: User, institution: Institution) -> None:
    pack = _built(request_pack(actor=manager, kind=PackKind.WEEKLY, institution=None))

    content = attachment_path(pack.pdf_name).read_bytes()

    assert content.startswith(b"%PDF")
    document = pypdfium2.PdfDocument(content)
    text = "".join(
        document[index].get_textpage().get_text_range() for index in range(len(document))
    )
    for title in ("Opened and resolved", "Backlog by age", "SLA attainment per priority"):
        assert title in text


def test_the_spreadsheet_has_a_sheet_per_section_with_formula_safe_rows(
    manager: User, requester: User, institution: Institution
) -> None:
    _opened(requester, "=HYPERLINK(evil) posting")
    _opened(requester, "=HYPERLINK(evil) posting")
    pack = _built(request_pack(actor=manager, kind=PackKind.QUARTERLY, institution=institution))

    book = load_workbook(BytesIO(attachment_path(pack.xlsx_name).read_bytes()))

    assert book.sheetnames[:5] == [
        "Pack",
        "Opened and resolved",
        "Backlog by age",
        "Response and resolution times",
        "SLA attainment per priority",
    ]
    assert "Hypercare exit scorecard" in book.sheetnames
    assert book.sheetnames[-1] == "Post-live review notes"
    backlog = list(book["Backlog by age"].values)
    assert backlog[0] == ("Age", "Open tickets")
    assert backlog[1] == ("Under 1 day", 2)
    by_category = list(book["Tickets opened by category"].values)
    assert by_category[1][1] == 2
    issues = [row[0] for row in book["Recurring issues"].values]
    assert all(not str(cell).startswith("=") for cell in issues)


def test_two_runs_of_the_build_job_build_a_pack_once(manager: User) -> None:
    pack = request_pack(actor=manager, kind=PackKind.WEEKLY, institution=None)

    assert JOBS["review_pack_builds"].function() == {"built": 1, "failed": 0}
    assert JOBS["review_pack_builds"].function() == {"built": 0, "failed": 0}
    assert ReviewPack.objects.get(pk=pack.pk).status == PackStatus.READY


def test_a_pack_whose_builder_lost_the_right_fails_plainly(manager: User) -> None:
    pack = request_pack(actor=manager, kind=PackKind.WEEKLY, institution=None)
    manager.role_grants.all().delete()

    assert build_queued_packs() == {"built": 0, "failed": 1}
    failed = ReviewPack.objects.get(pk=pack.pk)
    assert failed.status == PackStatus.FAILED
    assert failed.error == BUILD_REFUSED


def test_institution_admins_build_their_own_institutions_packs_only(
    admin_of_northfield: User, institution: Institution, other_institution: Institution
) -> None:
    assert request_pack(actor=admin_of_northfield, kind="weekly", institution=institution)
    with pytest.raises(NotAllowed):
        request_pack(actor=admin_of_northfield, kind="weekly", institution=None)
    with pytest.raises(NotAllowed):
        request_pack(actor=admin_of_northfield, kind="weekly", institution=other_institution)


def test_only_a_support_manager_writes_notes(
    admin_of_northfield: User, institution: Institution
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        request_pack(
            actor=admin_of_northfield, kind="weekly", institution=institution, notes="Mine"
        )
    assert refused.value.errors == {
        "notes": "Only a support manager writes the post-live review notes."
    }


def test_an_unknown_kind_is_refused_by_field(manager: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        request_pack(actor=manager, kind="daily", institution=None)
    assert refused.value.errors == {"kind": "Choose a kind"}


def test_notes_written_after_the_build_are_drawn_into_new_files(
    manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    pack = _built(request_pack(actor=manager, kind=PackKind.WEEKLY, institution=None))
    old_html = pack.html_name

    with django_capture_on_commit_callbacks(execute=True):
        pack = write_pack_notes(pack=pack, actor=manager, notes="Payroll needs training.")

    assert pack.html_name != old_html
    assert not attachment_path(old_html).exists()
    assert "Payroll needs training." in attachment_path(pack.html_name).read_text()
    assert pack.notes_by == manager


def test_weekly_schedules_run_on_the_weekday_in_the_institutions_zone() -> None:
    zone = ZoneInfo("Africa/Nairobi")  # UTC+3
    after = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # Friday

    monday = next_run(kind="weekly", weekday=Weekday.MONDAY, at=time(8), zone=zone, after=after)

    assert monday == datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


def test_monthly_and_quarterly_schedules_run_on_the_first_weekday_of_their_month() -> None:
    after = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    utc = ZoneInfo("UTC")

    monthly = next_run(kind="monthly", weekday=Weekday.MONDAY, at=time(8), zone=utc, after=after)
    quarterly = next_run(
        kind="quarterly", weekday=Weekday.MONDAY, at=time(8), zone=utc, after=after
    )

    assert monthly == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert quarterly == datetime(2027, 1, 4, 8, 0, tzinfo=UTC)


def test_a_recipient_outside_the_institution_is_refused_but_support_staff_are_not(
    manager: User, institution: Institution, requester: User, outsider: User, agent: User
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_pack_schedule(
            actor=manager,
            kind="weekly",
            institution=institution,
            weekday=0,
            at=time(8),
            recipients=[requester, outsider, agent],
        )
    assert refused.value.errors["recipients"].startswith(f"{outsider.display_name}: not of")

    schedule = create_pack_schedule(
        actor=manager,
        kind="weekly",
        institution=institution,
        weekday=0,
        at=time(8),
        recipients=[requester, agent],
    )
    assert set(schedule.recipients.all()) == {requester, agent}


def test_all_institution_packs_go_to_support_staff_only(manager: User, requester: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_pack_schedule(
            actor=manager,
            kind="weekly",
            institution=None,
            weekday=0,
            at=time(8),
            recipients=[requester],
        )
    assert "recipients" in refused.value.errors


def test_a_due_schedule_builds_and_mails_once_even_with_two_workers(
    manager: User,
    institution: Institution,
    admin_of_northfield: User,
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    schedule = create_pack_schedule(
        actor=manager,
        kind="weekly",
        institution=institution,
        weekday=Weekday.MONDAY,
        at=time(8),
        recipients=[admin_of_northfield],
    )
    assert run_due_schedules() == {"packs_queued": 0}
    time_machine.move_to(schedule.next_run_at + timedelta(minutes=1), tick=False)

    assert JOBS["review_pack_schedules"].function() == {"packs_queued": 1}
    assert run_due_schedules() == {"packs_queued": 0}
    assert build_queued_packs() == {"built": 1, "failed": 0}

    pack = ReviewPack.objects.get(schedule=schedule)
    assert pack.built_by == manager
    mail = OutboxMessage.objects.get(event="review_pack")
    assert mail.to_email == admin_of_northfield.email
    assert f"/reports/packs/{pack.pk}/" in mail.body
    assert list(pack.sent_to.all()) == [admin_of_northfield]
    schedule.refresh_from_db()
    assert schedule.next_run_at > pack.requested_at
    assert PackSchedule.objects.count() == 1


def test_a_pack_left_building_is_taken_again_once_its_lease_has_run_out(manager: User) -> None:
    stale = request_pack(actor=manager, kind=PackKind.WEEKLY, institution=None)
    busy = request_pack(actor=manager, kind=PackKind.WEEKLY, institution=None)
    ReviewPack.objects.filter(pk=stale.pk).update(
        status=PackStatus.BUILDING, claim="gone", lease_until=NOW - timedelta(minutes=1)
    )
    ReviewPack.objects.filter(pk=busy.pk).update(
        status=PackStatus.BUILDING, claim="working", lease_until=NOW + timedelta(minutes=5)
    )

    assert build_queued_packs() == {"built": 1, "failed": 0}
    assert ReviewPack.objects.get(pk=stale.pk).status == PackStatus.READY
    assert ReviewPack.objects.get(pk=busy.pk).status == PackStatus.BUILDING


def test_a_business_review_lists_the_live_modules_nobody_uses(
    manager: User, institution: Institution
) -> None:
    Module.objects.filter(institution=institution).update(went_live_on=None)
    Module.objects.filter(institution=institution, code=ModuleCode.FINANCE).update(
        went_live_on=NOW.date() - timedelta(days=60)
    )
    Module.objects.filter(institution=institution, code=ModuleCode.PAYROLL).update(
        went_live_on=NOW.date() - timedelta(days=60)
    )
    record_module_usage(
        actor=manager,
        institution=institution,
        rows=[UsageRow(ModuleCode.FINANCE, NOW.date() - timedelta(days=1), 40)],
    )

    pack = _built(request_pack(actor=manager, kind=PackKind.QUARTERLY, institution=institution))

    book = load_workbook(BytesIO(attachment_path(pack.xlsx_name).read_bytes()))
    rows = list(book["Live modules not in use"].values)
    assert rows[0] == ("Institution", "Module", "Live since", "Busiest day's active users", "Why")
    assert [(row[1], row[4]) for row in rows[1:]] == [
        (module(institution, ModuleCode.PAYROLL).name, "no usage data received")
    ]
    monthly = _built(request_pack(actor=manager, kind=PackKind.MONTHLY, institution=institution))
    monthly_book = load_workbook(BytesIO(attachment_path(monthly.xlsx_name).read_bytes()))
    assert "Live modules not in use" not in monthly_book.sheetnames

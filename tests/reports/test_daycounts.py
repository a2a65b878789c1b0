"""The dashboards' days counted ahead: the same figures as counting every ticket, kept
true when tickets change, for each reader's zone and scope."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.jobs import JOBS
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.reports.models import DayCounts, DayCountsZone
from hypercare.reports.selectors import Dashboard, dashboard, report_filters
from hypercare.sla.choices import ClockState
from hypercare.tickets.choices import Category, Priority, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services import workflow
from tests import factories

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday
KOLKATA = ZoneInfo("Asia/Kolkata")


@pytest.fixture
def clock(time_machine: time_machine.TimeMachineFixture) -> time_machine.TimeMachineFixture:
    time_machine.move_to(NOW, tick=False)
    return time_machine


def _ago(days: float = 0, minutes: float = 0) -> datetime:
    return NOW - timedelta(days=days, minutes=minutes)


def _ticket(requester: User, **fields: Any) -> Ticket:
    """A ticket opened now, then set to the given state as if its history had happened."""
    ticket = factories.ticket(requester, module_code=fields.pop("module_code", ModuleCode.FINANCE))
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=fields["created_at"], **fields)
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER)


@pytest.fixture
def desk(
    clock: time_machine.TimeMachineFixture,
    requester: User,
    other_institution: Institution,
) -> dict[str, Ticket]:
    """Tickets over a year, of two institutions, in every standing a figure counts."""
    outsider = factories.requester(other_institution)
    team = factories.team("Finance desk")
    return {
        "today": _ticket(requester, created_at=_ago(minutes=30), priority=Priority.HIGH),
        "late_evening": _ticket(
            requester, created_at=datetime(2026, 11, 18, 20, 0, tzinfo=UTC), channel="email"
        ),
        "resolved_today": _ticket(
            requester,
            created_at=_ago(days=3),
            status=Status.RESOLVED,
            resolved_at=_ago(minutes=45),
            first_responded_at=_ago(days=3, minutes=-20),
            first_response_state=ClockState.MET,
            resolution_state=ClockState.BREACHED,
        ),
        "resolved_last_week": _ticket(
            requester,
            created_at=_ago(days=12),
            status=Status.CLOSED,
            resolved_at=_ago(days=8),
            first_responded_at=_ago(days=12, minutes=-90),
            priority=Priority.CRITICAL,
            first_response_state=ClockState.BREACHED,
            resolution_state=ClockState.MET,
            team=team,
            tier=2,
        ),
        "overdue": _ticket(
            requester,
            created_at=_ago(days=5),
            priority=Priority.LOW,
            first_response_state=ClockState.RUNNING,
            first_response_due_at=_ago(days=1),
            resolution_state=ClockState.RUNNING,
            resolution_due_at=_ago(days=-2),
        ),
        "fees": _ticket(
            requester,
            created_at=_ago(days=40),
            module_code=ModuleCode.FEES,
            category=Category.INCIDENT,
            channel="phone",
            team=team,
        ),
        "old": _ticket(
            outsider,
            created_at=_ago(days=300),
            status=Status.CLOSED,
            resolved_at=_ago(days=290),
            first_responded_at=_ago(days=299),
            first_response_state=ClockState.MET,
            resolution_state=ClockState.MET,
        ),
        "theirs": _ticket(outsider, created_at=_ago(days=2), priority=Priority.CRITICAL),
    }


def _board(user: User, **filters: str) -> Dashboard:
    return dashboard(user, report_filters(user, **filters))


def _live(user: User, **filters: str) -> Dashboard:
    """The dashboard counted from the tickets alone, as with no day counted ahead."""
    with transaction.atomic():
        DayCountsZone.objects.all().delete()
        board = _board(user, **filters)
        transaction.set_rollback(True)
    return board


def _count() -> dict[str, int]:
    return JOBS["day_counts"].function()


@pytest.fixture
def reader_in_kolkata(requester: User) -> User:
    reader = factories.user(Role.INSTITUTION_ADMIN, institution=requester.institution)
    User.objects.filter(pk=reader.pk).update(time_zone="Asia/Kolkata")
    return User.objects.get(pk=reader.pk)


FILTERS: list[dict[str, str]] = [{"period": period} for period in ("7d", "30d", "12w", "52w")] + [
    {"period": "52w", "module": ModuleCode.FEES},
    {"period": "30d", "category": Category.QUESTION},
]


@pytest.mark.parametrize("filters", FILTERS)
def test_counted_days_add_up_to_the_figures_counted_live(
    manager: User, desk: dict[str, Ticket], filters: dict[str, str]
) -> None:
    live = _live(manager, **filters)

    assert _count() == {"zones": 1, "days": 300}
    assert DayCounts.objects.filter(time_zone="UTC").exists()
    counted = _board(manager, **filters)

    assert counted == live
    assert sum(bucket.opened.value for bucket in counted.flow) > 0


def test_a_day_of_another_zone_is_counted_in_that_zone(
    desk: dict[str, Ticket], reader_in_kolkata: User
) -> None:
    with timezone.override(KOLKATA):
        live = _live(reader_in_kolkata, period="7d")
        _count()
        counted = _board(reader_in_kolkata, period="7d")

    assert set(DayCountsZone.objects.values_list("time_zone", flat=True)) == {"Asia/Kolkata"}
    # 18 Nov 20:00 in UTC is 19 Nov in Kolkata.
    assert [bucket.opened.value for bucket in counted.flow][-3:] == [0, 1, 1]
    assert counted == live


def test_an_institution_admin_adds_up_only_their_institutions_days(
    manager: User, requester: User, desk: dict[str, Ticket]
) -> None:
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=requester.institution)
    _count()

    board = _board(admin, period="52w")

    assert board == _live(admin, period="52w")
    assert [figure.label for figure in board.breakdowns["institution"]] == ["Northfield University"]
    theirs = {desk["old"].pk, desk["theirs"].pk}
    assert sum(bucket.opened.value for bucket in board.flow) == len(desk) - len(theirs)
    # The manager's counted days hold the other institution's tickets: the admin's do not.
    assert sum(b.opened.value for b in _board(manager, period="52w").flow) == len(desk)


def test_a_changed_ticket_is_counted_again_on_its_days_by_the_next_run(
    manager: User, desk: dict[str, Ticket], clock: time_machine.TimeMachineFixture
) -> None:
    _count()
    clock.move_to(NOW + timedelta(hours=1), tick=False)
    ticket = desk["resolved_last_week"]
    workflow.change_priority(ticket=ticket, actor=manager, priority=Priority.LOW, reason="Minor")
    reopened = desk["fees"]
    Ticket.objects.filter(pk=reopened.pk).update(
        status=Status.IN_PROGRESS, resolved_at=None, updated_at=NOW + timedelta(hours=1)
    )

    live = _live(manager, period="52w")
    assert _board(manager, period="52w") != live

    assert _count() == {"zones": 1, "days": 40}

    assert _board(manager, period="52w") == live


def test_a_breach_the_sweep_records_is_counted_again(
    manager: User, desk: dict[str, Ticket], clock: time_machine.TimeMachineFixture
) -> None:
    _count()
    clock.move_to(NOW + timedelta(hours=1), tick=False)
    # The sweep marks the breach without touching updated_at.
    Ticket.objects.filter(pk=desk["overdue"].pk).update(
        first_response_state=ClockState.BREACHED, first_response_breached_at=NOW
    )
    before = _board(manager, period="30d")
    assert before != _live(manager, period="30d")

    assert _count() == {"zones": 1, "days": 5}

    after = _board(manager, period="30d")
    assert after == _live(manager, period="30d")
    rows = {(row.priority, row.clock): row for row in after.attainment}
    assert rows[(Priority.LOW, "first_response")].breached.value == 1


def test_each_new_day_is_counted_once(
    manager: User, desk: dict[str, Ticket], clock: time_machine.TimeMachineFixture
) -> None:
    _count()
    assert _count() == {"zones": 1, "days": 0}
    clock.move_to(NOW + timedelta(days=1), tick=False)

    assert _count() == {"zones": 1, "days": 1}
    assert DayCountsZone.objects.get().counted_through == NOW.date()
    assert _board(manager) == _live(manager)


def test_days_the_job_stopped_checking_are_counted_live(
    manager: User, desk: dict[str, Ticket], clock: time_machine.TimeMachineFixture
) -> None:
    _count()
    clock.move_to(NOW + timedelta(hours=2), tick=False)
    Ticket.objects.filter(pk=desk["fees"].pk).update(
        category=Category.ACCESS, updated_at=NOW + timedelta(hours=2)
    )

    board = _board(manager, period="52w")

    assert board == _live(manager, period="52w")
    categories = {figure.label: figure.value for figure in board.breakdowns["category"]}
    assert categories["Access"] == 1


def test_each_complete_week_is_counted_again_as_its_days_added_up(
    manager: User, desk: dict[str, Ticket]
) -> None:
    _count()

    monday = NOW.date() - timedelta(days=NOW.weekday())
    weeks = DayCounts.objects.filter(time_zone="UTC", span="week", category="")
    assert {row.day.weekday() for row in weeks} == {0}
    assert max(row.day for row in weeks) == monday - timedelta(days=7)
    opened_before = [t for t in desk.values() if t.created_at.date() < monday]
    assert sum(weeks.values_list("opened", flat=True)) == len(opened_before)
    # A dashboard of weeks reads them: the same figures as counting the tickets.
    assert _board(manager, period="12w") == _live(manager, period="12w")

"""The dashboards' figures against hand-built tickets at a frozen time."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.reports.selectors import Dashboard, dashboard, report_filters
from hypercare.sla.choices import ClockState
from hypercare.tickets.choices import Priority, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import TicketFilters, ticket_list
from tests import factories

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday


@pytest.fixture(autouse=True)
def frozen(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(NOW, tick=False)


def _ticket(requester: User, **fields: Any) -> Ticket:
    """A ticket opened now, then set to the given state as if its history had happened."""
    ticket = factories.ticket(requester)
    Ticket.objects.filter(pk=ticket.pk).update(**fields)
    return Ticket.objects.get(pk=ticket.pk)


def _ago(days: float = 0, minutes: float = 0) -> datetime:
    return NOW - timedelta(days=days, minutes=minutes)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER)


def _pks(user: User, filters: TicketFilters | None) -> set[int]:
    assert filters is not None
    return set(ticket_list(user, filters).values_list("pk", flat=True))


def _board(user: User, **filters: str) -> Dashboard:
    return dashboard(user, report_filters(user, **filters))


def test_opened_and_resolved_count_per_day_and_drill_down_to_those_tickets(
    manager: User, requester: User
) -> None:
    today = _ticket(requester, created_at=_ago(minutes=30))
    yesterday = _ticket(
        requester,
        created_at=_ago(days=1),
        status=Status.RESOLVED,
        resolved_at=_ago(minutes=60),
    )
    _ticket(requester, created_at=_ago(days=40))

    board = _board(manager, period="7d")

    assert [bucket.opened.value for bucket in board.flow] == [0, 0, 0, 0, 0, 1, 1]
    assert [bucket.resolved.value for bucket in board.flow] == [0, 0, 0, 0, 0, 0, 1]
    assert _pks(manager, board.flow[-1].opened.tickets) == {today.pk}
    assert _pks(manager, board.flow[-2].opened.tickets) == {yesterday.pk}
    assert _pks(manager, board.flow[-1].resolved.tickets) == {yesterday.pk}


def test_weeks_start_on_monday_in_the_readers_zone(manager: User, requester: User) -> None:
    _ticket(requester, created_at=datetime(2026, 11, 16, 0, 30, tzinfo=UTC))  # Monday
    _ticket(requester, created_at=datetime(2026, 11, 15, 23, 30, tzinfo=UTC))  # Sunday

    board = _board(manager, period="12w")

    assert len(board.flow) == 12
    assert board.flow[-1].start == datetime(2026, 11, 16, tzinfo=UTC)
    assert [bucket.opened.value for bucket in board.flow[-2:]] == [1, 1]


def test_backlog_counts_open_tickets_by_age(manager: User, requester: User) -> None:
    fresh = _ticket(requester, created_at=_ago(minutes=5))
    older = _ticket(requester, created_at=_ago(days=2))
    _ticket(requester, created_at=_ago(days=2), status=Status.CLOSED)
    ancient = _ticket(requester, created_at=_ago(days=60))

    board = _board(manager)

    assert [figure.value for figure in board.backlog] == [1, 1, 0, 0, 0, 1]
    assert _pks(manager, board.backlog[0].tickets) == {fresh.pk}
    assert _pks(manager, board.backlog[1].tickets) == {older.pk}
    assert _pks(manager, board.backlog[5].tickets) == {ancient.pk}


def test_response_and_resolution_times_median_and_90th_percentile(
    manager: User, requester: User
) -> None:
    # First responses after 10, 15 (the resolved one), 20, 30, 40 and 100 minutes: the
    # median falls between 20 and 30, the 90th percentile halfway from 40 to 100.
    for minutes in (10, 20, 30, 40, 100):
        _ticket(
            requester,
            created_at=_ago(days=1, minutes=minutes),
            first_responded_at=_ago(days=1),
        )
    resolved = _ticket(
        requester,
        created_at=_ago(days=3),
        status=Status.RESOLVED,
        first_responded_at=_ago(days=3, minutes=-15),
        resolved_at=_ago(days=1),
    )
    _ticket(requester, created_at=_ago(days=90), first_responded_at=_ago(days=89))

    first_response, resolution = _board(manager, period="7d").times

    assert (first_response.count, first_response.median, first_response.p90) == (6, 25.0, 70.0)
    assert (resolution.count, resolution.median, resolution.p90) == (1, 2880.0, 2880.0)
    assert _pks(manager, resolution.tickets) == {resolved.pk}
    assert len(_pks(manager, first_response.tickets)) == 6


def test_times_narrowed_to_a_module_count_that_module_alone(manager: User, requester: User) -> None:
    for minutes, module_code in (
        (10, ModuleCode.FEES),
        (30, ModuleCode.FEES),
        (90, ModuleCode.EXAMS),
    ):
        ticket = factories.ticket(requester, module_code=module_code)
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=_ago(days=1, minutes=minutes), first_responded_at=_ago(days=1)
        )

    first_response, _ = _board(manager, period="7d", module=ModuleCode.FEES).times

    assert (first_response.count, first_response.median, first_response.p90) == (2, 20.0, 28.0)


def test_times_are_empty_without_tickets(manager: User) -> None:
    first_response, _ = _board(manager).times

    assert (first_response.count, first_response.median, first_response.p90) == (0, None, None)


def test_sla_attainment_per_priority_and_clock(manager: User, requester: User) -> None:
    met = _ticket(
        requester,
        created_at=_ago(days=1),
        priority=Priority.HIGH,
        first_response_state=ClockState.MET,
    )
    breached = _ticket(
        requester,
        created_at=_ago(days=1),
        priority=Priority.HIGH,
        first_response_state=ClockState.BREACHED,
    )
    overdue = _ticket(
        requester,
        created_at=_ago(days=1),
        priority=Priority.HIGH,
        first_response_state=ClockState.RUNNING,
        first_response_due_at=_ago(minutes=1),
    )
    _ticket(
        requester,
        created_at=_ago(days=1),
        priority=Priority.HIGH,
        first_response_state=ClockState.RUNNING,
        first_response_due_at=_ago(minutes=-60),
    )

    rows = {(row.priority, row.clock): row for row in _board(manager).attainment}
    high = rows[(Priority.HIGH, "first_response")]

    assert (high.met.value, high.breached.value, high.percent) == (1, 2, 33.3)
    assert _pks(manager, high.met.tickets) == {met.pk}
    assert _pks(manager, high.breached.tickets) == {breached.pk, overdue.pk}
    assert rows[(Priority.LOW, "resolution")].percent is None


def test_breakdowns_count_opened_tickets_per_group(
    manager: User, requester: User, other_institution: Institution
) -> None:
    outsider = factories.requester(other_institution)
    ours = [_ticket(requester, created_at=_ago(days=1)) for _ in range(2)]
    theirs = _ticket(outsider, created_at=_ago(days=1), channel="email")

    board = _board(manager)

    institutions = board.breakdowns["institution"]
    assert [(figure.label, figure.value) for figure in institutions] == [
        ("Northfield University", 2),
        ("Southbank College", 1),
    ]
    assert _pks(manager, institutions[0].tickets) == {ticket.pk for ticket in ours}
    channels = {figure.label: figure for figure in board.breakdowns["channel"]}
    assert _pks(manager, channels["Email"].tickets) == {theirs.pk}
    assert [figure.tickets for figure in board.breakdowns["team"]] == [None]


def test_an_institution_admin_counts_only_their_institution(
    requester: User, other_institution: Institution
) -> None:
    assert requester.institution is not None
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=requester.institution)
    _ticket(requester, created_at=_ago(days=1))
    _ticket(factories.requester(other_institution), created_at=_ago(days=1))

    board = _board(admin)

    assert sum(bucket.opened.value for bucket in board.flow) == 1
    assert [figure.label for figure in board.breakdowns["institution"]] == ["Northfield University"]
    with pytest.raises(ValidationFailed) as refused:
        report_filters(admin, institution=str(other_institution.pk))
    assert set(refused.value.errors) == {"institution"}


def test_other_people_may_not_read_dashboards(requester: User) -> None:
    with pytest.raises(NotAllowed):
        _board(requester)
    with pytest.raises(NotAllowed):
        _board(factories.agent(Role.TIER1))


def test_bad_filters_are_refused_by_field(manager: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        report_filters(manager, period="3y", module="nope", category="x", team="abc")
    with pytest.raises(ValidationFailed) as too_large:
        report_filters(manager, institution="9" * 25)

    assert set(refused.value.errors) == {"period", "module", "category", "team"}
    assert set(too_large.value.errors) == {"institution"}


def test_the_dashboard_costs_the_same_queries_however_many_tickets(
    manager: User, requester: User, other_institution: Institution
) -> None:
    _ticket(requester, created_at=_ago(days=1))
    _board(manager)  # the reader's roles are read once and kept on the user
    with CaptureQueriesContext(connection) as few:
        _board(manager)
    outsider = factories.requester(other_institution)
    for days in range(6):
        _ticket(outsider, created_at=_ago(days=days), first_responded_at=_ago(days=days))

    with CaptureQueriesContext(connection) as many:
        _board(manager)

    assert len(many) == len(few) <= 16


def test_days_are_the_readers_days(manager: User, requester: User) -> None:
    # 19 Nov 20:00 in UTC is already 20 Nov, 01:30 in Kolkata.
    late = _ticket(requester, created_at=datetime(2026, 11, 19, 20, 0, tzinfo=UTC))

    with timezone.override(ZoneInfo("Asia/Kolkata")):
        board = _board(manager, period="7d")

    assert board.flow[-1].start == datetime(2026, 11, 20, tzinfo=ZoneInfo("Asia/Kolkata"))
    assert [bucket.opened.value for bucket in board.flow[-2:]] == [0, 1]
    assert _pks(manager, board.flow[-1].opened.tickets) == {late.pk}

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings
from pytest_django import DjangoAssertNumQueries

from hypercare import access
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.adoption.selectors import NO_USAGE_DATA, adoption, live_modules
from hypercare.adoption.services import UsageRow, record_module_usage
from hypercare.errors import NotAllowed
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution, Module
from hypercare.reports.selectors import ReportFilters
from hypercare.tickets.choices import Category
from tests import factories

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 16)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER)


def _go_live(institution: Institution, *codes: str) -> None:
    Module.objects.filter(institution=institution, code__in=codes).update(
        went_live_on=TODAY - timedelta(days=60)
    )


def _usage(institution: Institution, agent: User, code: str, *counts: int) -> None:
    rows = [UsageRow(code, TODAY - timedelta(days=n), count) for n, count in enumerate(counts)]
    record_module_usage(institution=institution, rows=rows, actor=agent)


@time_machine.travel(NOW, tick=False)
@override_settings(HYPERCARE_ADOPTION_DAYS=7, HYPERCARE_ADOPTION_MIN_ACTIVE_USERS=5)
def test_a_live_module_with_low_none_or_no_usage_is_a_blocker(
    institution: Institution, agent: User, manager: User
) -> None:
    _go_live(institution, "finance", "fees", "exams", "hr")
    _usage(institution, agent, "finance", 40, 35, 50)
    _usage(institution, agent, "fees", 2, 4, 1)
    _usage(institution, agent, "exams", 0, 0)
    record_module_usage(
        institution=institution,
        rows=[UsageRow("hr", TODAY - timedelta(days=7), 90)],  # before the window
        actor=agent,
    )
    found = adoption(manager, ReportFilters())
    assert found.usage_since == TODAY - timedelta(days=6)
    by_code = {row.code: row for row in found.modules}
    assert set(by_code) == {"finance", "fees", "exams", "hr"}  # live ones only
    assert [(row.code, row.reason) for row in found.usage_blockers] == [
        ("exams", "nobody used it"),
        ("fees", "at most 4 active users a day"),
        ("hr", NO_USAGE_DATA),
    ]
    assert (by_code["finance"].peak_active_users, by_code["finance"].days_reported) == (50, 3)
    assert not by_code["finance"].blocker


@time_machine.travel(NOW, tick=False)
def test_a_module_going_live_later_or_switched_off_is_not_judged(
    institution: Institution, manager: User
) -> None:
    Module.objects.filter(institution=institution, code="finance").update(
        went_live_on=TODAY + timedelta(days=1)
    )
    Module.objects.filter(institution=institution, code="fees").update(
        went_live_on=TODAY, is_active=False
    )
    assert adoption(manager, ReportFilters()).modules == []


@time_machine.travel(NOW, tick=False)
def test_an_institution_admin_reads_their_own_institutions_blockers_alone(
    institution: Institution, other_institution: Institution, requester: User, outsider: User
) -> None:
    _go_live(institution, "finance")
    _go_live(other_institution, "finance")
    for _ in range(3):
        factories.ticket(requester, category=Category.QUESTION)
        factories.ticket(outsider, category=Category.QUESTION)
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=institution)
    found = adoption(admin, ReportFilters())
    assert {row.institution for row in found.modules} == {institution.name}
    assert [(row.institution, row.questions.value) for row in found.questions] == [
        (institution.name, 3)
    ]
    assert found.questions[0].module == ModuleCode.FINANCE.label


@time_machine.travel(NOW, tick=False)
def test_the_filters_narrow_the_usage_too(
    institution: Institution, other_institution: Institution, manager: User
) -> None:
    _go_live(institution, "finance", "fees")
    _go_live(other_institution, "finance")
    narrowed = adoption(manager, ReportFilters(institution=institution.pk, module="fees"))
    assert [(row.institution, row.code) for row in narrowed.modules] == [(institution.name, "fees")]


def test_people_without_the_reports_are_refused(requester: User, agent: User) -> None:
    for person in (requester, agent):
        with pytest.raises(NotAllowed):
            adoption(person, ReportFilters())


@time_machine.travel(NOW, tick=False)
def test_usage_is_one_aggregate_query(
    institution: Institution,
    other_institution: Institution,
    agent: User,
    manager: User,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    _go_live(institution, *ModuleCode.values)
    _go_live(other_institution, *ModuleCode.values)
    _usage(institution, agent, "finance", 4, 5, 6)
    assert access.can_manage_desk(manager)  # the manager's roles, read once
    with django_assert_num_queries(1):
        rows = live_modules(manager, ReportFilters(), TODAY - timedelta(days=13), TODAY)
    assert len(rows) == 2 * len(ModuleCode.values)

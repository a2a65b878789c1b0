"""Title groups counted ahead (``reports.titlecounts``): the recurring issues over a long
period found from the largest groups' tickets are those found from every ticket."""

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.jobs import JOBS
from hypercare.links.choices import LinkKind
from hypercare.links.services import link_tickets
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.problems.services.records import ProblemDetails, create_problem
from hypercare.reports.models import TitleCounts, TitleCountsSnapshot
from hypercare.reports.recurring import RECURRING_TOP, recurring
from hypercare.reports.selectors import report_filters, window
from hypercare.reports.titlecounts import bounding_snapshot, count_titles, readable_counts
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.workflow import change_category
from hypercare.tickets.titles import title_key
from tests import factories

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WORDS = ("ledger", "invoice", "payroll", "receipt", "roster", "grade", "hostel", "refund")


@pytest.fixture(autouse=True)
def frozen(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="meera")


@pytest.fixture
def admin(institution: Institution) -> User:
    return factories.user(Role.INSTITUTION_ADMIN, institution=institution, username="ines")


@pytest.fixture
def southbank_requester(other_institution: Institution) -> User:
    return factories.requester(other_institution, username="sam")


def _copies(template: Ticket, rng: random.Random, groups: int) -> list[Ticket]:
    """Tickets like ``template`` in ``groups`` title groups of random sizes, modules and
    categories, opened at random over the last 56 weeks (some before a year's period,
    some before the counted window)."""
    fields = {
        field.attname: getattr(template, field.attname)
        for field in Ticket._meta.concrete_fields
        if not field.primary_key
    }
    modules = {
        code: factories.module(template.institution, code)
        for code in (ModuleCode.FINANCE, ModuleCode.HR)
    }
    made = []
    for n in range(groups):
        title = f"{rng.choice(WORDS)} {WORDS[n % len(WORDS)]} {n} stuck"
        module = rng.choice(list(modules.values()))
        category = rng.choice((Category.QUESTION, Category.INCIDENT))
        for _ in range(rng.randint(1, 9)):
            opened = NOW - timedelta(days=rng.uniform(0.5, 392))
            made.append(
                Ticket(
                    **{
                        **fields,
                        "title": title,
                        # bulk_create skips save(), which writes the key.
                        "title_key": title_key(title),
                        "module_id": module.pk,
                        "category": category,
                        "created_at": opened,
                        "updated_at": opened,
                    }
                )
            )
    return Ticket.objects.bulk_create(made)


def _groups(user: User, **filters: str) -> list[tuple[str, int, list[int]]]:
    found = recurring(user, report_filters(user, period="52w", **filters))
    return [(group.label, group.count, group.tickets) for group in found.groups]


def _settled(groups: list[tuple[str, int, list[int]]]) -> tuple[list[int], list[Any]]:
    """The counts, and the groups larger than the last one kept: which of the groups as
    large as the last is kept depends on how the database sorts text."""
    last = groups[-1][1] if len(groups) == RECURRING_TOP else 0
    return [count for _, count, _ in groups], [group for group in groups if group[1] > last]


@pytest.mark.parametrize("seed", range(3))
def test_counting_ahead_finds_what_counting_every_ticket_finds(
    seed: int,
    manager: User,
    admin: User,
    agent: User,
    requester: User,
    southbank_requester: User,
) -> None:
    rng = random.Random(seed)
    ours = _copies(factories.ticket(requester), rng, groups=40)
    theirs = _copies(factories.ticket(southbank_requester), rng, groups=15)
    recent = [ticket for ticket in ours if ticket.created_at > NOW - timedelta(days=300)]
    create_problem(actor=agent, details=ProblemDetails(title="Gateway"), tickets=recent[:4])
    link_tickets(ticket=recent[5], other=recent[6], kind=LinkKind.DUPLICATE_OF, actor=agent)
    assert count_titles()["rows"] > 0
    # After the count: tickets moved to other groups, and a small group grown past all.
    later = NOW + timedelta(minutes=30)
    with time_machine.travel(later, tick=False):
        incidents = [ticket for ticket in recent[10:] if ticket.category == Category.INCIDENT]
        for ticket in rng.sample(incidents, 8):
            change_category(
                ticket=ticket,
                actor=agent,
                category=Category.QUESTION,
                category_details={"screen_or_report": "Fee receipt"},
            )
        grown = [factories.ticket(requester, title="Ledger grown lately") for _ in range(25)]
        assert bounding_snapshot(window("52w").start) is not None
        readers: list[tuple[User, dict[str, str]]] = [
            (manager, {}),
            (manager, {"institution": str(requester.institution_id)}),
            (manager, {"module": ModuleCode.HR}),
            (manager, {"category": Category.INCIDENT}),
            (admin, {}),
        ]
        ahead = [_groups(user, **filters) for user, filters in readers]
        TitleCountsSnapshot.objects.all().delete()
        counted = [_groups(user, **filters) for user, filters in readers]

    assert [_settled(groups) for groups in ahead] == [_settled(groups) for groups in counted]
    assert len(counted[0]) == RECURRING_TOP
    assert counted[0][0] == ("Titles like “grown lately ledger”", 25, [t.pk for t in grown][::-1])
    ours_and_grown = {ticket.pk for ticket in [*ours, *recent, *grown]}
    assert {pk for _, _, tickets in counted[4] for pk in tickets} <= ours_and_grown
    assert not {pk for _, _, tickets in counted[4] for pk in tickets} & {t.pk for t in theirs}


def test_the_job_counts_again_once_an_hour_per_group_and_overall(
    manager: User, requester: User, southbank_requester: User
) -> None:
    for who in (requester, requester, southbank_requester):
        factories.ticket(who, title="Ledger locked")

    assert JOBS["title_counts"].function() == {"rows": 3}
    detail = {
        (row.institution_id, row.count)
        for row in TitleCounts.objects.filter(overall=False, title_key="ledger locked")
    }
    assert detail == {(requester.institution_id, 2), (southbank_requester.institution_id, 1)}
    overall = TitleCounts.objects.get(overall=True)
    assert (overall.institution_id, overall.module_code, overall.count) == (
        None,
        ModuleCode.FINANCE,
        3,
    )
    factories.ticket(requester, title="Ledger locked")
    assert count_titles() == {"rows": 0}
    with time_machine.travel(NOW + timedelta(minutes=61), tick=False):
        assert count_titles() == {"rows": 3}
        assert TitleCounts.objects.get(overall=True).count == 4


def test_a_short_period_or_one_before_the_window_is_counted_from_its_tickets(
    manager: User,
) -> None:
    assert bounding_snapshot(window("52w").start) is None
    count_titles()

    assert bounding_snapshot(window("52w").start) is not None
    assert bounding_snapshot(window("12w").start) is None
    assert bounding_snapshot(window("30d").start) is None
    assert bounding_snapshot(NOW - timedelta(weeks=60)) is None


def test_each_reader_adds_up_the_rows_of_what_they_may_report_on(
    manager: User, admin: User, requester: User, southbank_requester: User
) -> None:
    for who in (requester, southbank_requester):
        factories.ticket(who, title="Ledger locked")
    count_titles()
    ours = requester.institution_id

    def rows(user: User, **filters: str) -> set[tuple[bool, int | None]]:
        counts = readable_counts(user, report_filters(user, **filters))
        return set(counts.values_list("overall", "institution_id"))

    assert rows(manager) == {(True, None)}
    assert rows(manager, institution=str(ours)) == {(False, ours)}
    assert rows(admin) == {(False, ours)}
    assert rows(admin, module=ModuleCode.FINANCE, category=Category.QUESTION) == {(False, ours)}
    assert rows(admin, category=Category.INCIDENT) == set()

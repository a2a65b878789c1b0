"""Recurring issues and the improvement loop's figures, against hand-built records at a
frozen time."""

import statistics
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.access_requests.services.requests import decide_access_request, record_done_in_erp
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed
from hypercare.escalations.models import Escalation
from hypercare.knowledge.answers import link_answer
from hypercare.knowledge.choices import ArticleStatus, Audience, Visibility
from hypercare.knowledge.models import Article, Deflection
from hypercare.knowledge.services import (
    ArticleContent,
    change_article_status,
    create_article,
    flag_training_gap,
)
from hypercare.knowledge.training_notes import send_training_note
from hypercare.links.choices import LinkKind
from hypercare.links.services import link_tickets
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.problems.services.records import ProblemDetails, create_problem
from hypercare.reports.recurring import GROUP_TICKETS_MAX, Group, Recurring, recurring
from hypercare.reports.selectors import report_filters
from hypercare.surveys.models import Survey
from hypercare.tickets.choices import Category, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import TicketFilters, ticket_list
from hypercare.tickets.titles import title_key
from tests import factories
from tests.access_requests import builders as access_builders
from tests.api.conftest import ApiClient
from tests.web.conftest import signed_in

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


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


def _ticket(
    requester: User,
    title: str,
    *,
    days_ago: float = 1,
    category: str = Category.QUESTION,
    **fields: Any,
) -> Ticket:
    """A question opened ``days_ago``, then moved to ``category`` as an agent would."""
    ticket = factories.ticket(requester, title=title, **fields)
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=NOW - timedelta(days=days_ago), category=category
    )
    return Ticket.objects.get(pk=ticket.pk)


def _found(user: User, **filters: str) -> Recurring:
    return recurring(user, report_filters(user, **filters))


def _by_label(found: Recurring) -> dict[str, Group]:
    return {group.label: group for group in found.groups}


def _article(writer: User, editor: User) -> Article:
    content = ArticleContent(
        title="Reprint a receipt",
        body="Choose Regenerate.",
        module_code=ModuleCode.FINANCE,
        audiences=[Audience.EVERYONE, Audience.TRAINING],
        visibility=Visibility.ALL_INSTITUTIONS,
    )
    article = create_article(actor=writer, content=content)
    change_article_status(article=article, actor=writer, status=ArticleStatus.IN_REVIEW)
    return change_article_status(article=article, actor=editor, status=ArticleStatus.PUBLISHED)


def test_titles_are_compared_by_their_significant_words() -> None:
    assert title_key("Invoice 1234 won't POST!") == title_key("invoice won't post")
    assert title_key("How do I post an invoice?") == "invoice post"
    assert title_key("The the the") == "the the the"


def test_similar_titles_of_one_module_and_category_recur_and_single_ones_do_not(
    manager: User, requester: User
) -> None:
    first = _ticket(requester, "Invoice 101 will not post")
    second = _ticket(requester, "invoice 202 will not post!")
    _ticket(requester, "Invoice will not post", category=Category.INCIDENT)
    _ticket(requester, "Invoice will not post", module_code=ModuleCode.HR)
    _ticket(requester, "Invoice will not post", days_ago=40)

    found = _found(manager)

    assert [(group.kind, group.count) for group in found.groups] == [("title", 2)]
    group = found.groups[0]
    assert set(group.tickets) == {first.pk, second.pk}
    assert (group.module, group.category) == (ModuleCode.FINANCE, Category.QUESTION)
    assert group.statuses == ["nothing yet"]


def test_the_desks_links_group_tickets_whatever_their_titles(
    manager: User, requester: User, agent: User
) -> None:
    by_problem = [_ticket(requester, f"Gateway {word}") for word in ("timeout", "refused")]
    by_article = [_ticket(requester, f"Receipt {word}") for word in ("blank", "missing")]
    original, duplicate, again = (
        _ticket(requester, title) for title in ("Payroll totals", "Salary sums", "Wages off")
    )
    create_problem(
        actor=agent, details=ProblemDetails(title="Gateway drops callbacks"), tickets=by_problem
    )
    article = _article(agent, manager)
    for ticket in by_article:
        link_answer(ticket=ticket, article=article, actor=agent)
    link_tickets(ticket=duplicate, other=original, kind=LinkKind.DUPLICATE_OF, actor=agent)
    link_tickets(ticket=again, other=duplicate, kind=LinkKind.DUPLICATE_OF, actor=agent)

    groups = _by_label(_found(manager))

    problem = groups["Problem: Gateway drops callbacks"]
    assert (set(problem.tickets), problem.statuses) == (
        {ticket.pk for ticket in by_problem},
        ["has a problem"],
    )
    answered = groups["Article: Reprint a receipt"]
    assert (set(answered.tickets), answered.statuses) == (
        {ticket.pk for ticket in by_article},
        ["has an article"],
    )
    duplicates = groups[f"Duplicates of #{original.pk}: {again.title}"]
    assert set(duplicates.tickets) == {original.pk, duplicate.pk, again.pk}
    assert duplicates.count == 3


def test_a_training_gap_for_the_module_counts_as_training_and_is_counted_by_role(
    manager: User, requester: User, agent: User
) -> None:
    tickets = [_ticket(requester, "Bank reconciliation confusing") for _ in range(2)]
    flag_training_gap(ticket=tickets[0], actor=agent, topic="Reconciling", erp_role="Accountant")

    found = _found(manager)

    assert found.groups[0].statuses == ["has training"]
    assert [(row.module, row.erp_role, row.count) for row in found.training_gaps] == [
        (ModuleCode.FINANCE, "Accountant", 1)
    ]


def test_a_training_note_sent_on_the_module_counts_as_training(
    manager: User, requester: User, agent: User, institution: Institution
) -> None:
    for _ in range(2):
        _ticket(requester, "Bank reconciliation confusing")
    User.objects.filter(pk=requester.pk).update(erp_role="Accountant")
    article = _article(agent, manager)
    send_training_note(
        article=article, institution=institution, erp_role="Accountant", actor=manager
    )

    assert _found(manager).groups[0].statuses == ["has training"]


def test_a_groups_drill_down_lists_its_tickets_closed_ones_too(
    manager: User, requester: User
) -> None:
    tickets = [_ticket(requester, "Ledger locked") for _ in range(2)]
    Ticket.objects.filter(pk=tickets[0].pk).update(status=Status.CLOSED)

    figure = _found(manager).groups[0].figure(TicketFilters(status=tuple(Status)))

    assert figure.tickets is not None
    listed = set(ticket_list(manager, figure.tickets).values_list("pk", flat=True))
    assert listed == {ticket.pk for ticket in tickets}


def test_every_ticket_of_the_period_is_grouped_however_many(manager: User, requester: User) -> None:
    first = _ticket(requester, "Ledger locked")
    fields = {
        field.attname: getattr(first, field.attname)
        for field in Ticket._meta.concrete_fields
        if not field.primary_key
    }
    # bulk_create skips save(), which writes the key: bulk writes set it themselves.
    copies = [
        Ticket(**{**fields, "title": f"Ledger {n} locked!", "title_key": "ledger locked"})
        for n in range(3100)
    ]
    Ticket.objects.bulk_create(copies, batch_size=500)
    _ticket(requester, "Ledger locked", days_ago=40)

    group = _found(manager).groups[0]

    assert (group.label, group.count) == ("Titles like “ledger locked”", 3101)
    newest = Ticket.objects.filter(
        title_key="ledger locked", created_at__gt=NOW - timedelta(days=30)
    )
    newest = newest.order_by("-pk")
    assert group.tickets == list(newest.values_list("pk", flat=True)[:GROUP_TICKETS_MAX])


def test_the_escalations_median_is_the_median_of_their_durations(
    manager: User, requester: User
) -> None:
    hours = [1.5, 7, 2, 30, 0.25, 4]
    for n, duration in enumerate(hours):
        escalation = factories.escalation(_ticket(requester, f"Down {n}"), requester)
        Escalation.objects.filter(pk=escalation.pk).update(
            requested_at=NOW - timedelta(hours=40),
            de_escalated_at=NOW - timedelta(hours=40 - duration),
        )
    factories.escalation(_ticket(requester, "Still down"), requester)

    found = _found(manager).escalations

    expected = statistics.median(duration * 60 for duration in hours)
    assert (found.count, found.de_escalated, found.median_minutes) == (7, 6, expected)


@pytest.mark.parametrize("questions", [2, 4])
def test_the_questions_that_make_an_adoption_blocker_are_a_setting(
    manager: User, requester: User, settings: Any, questions: int
) -> None:
    settings.HYPERCARE_ADOPTION_QUESTIONS = questions
    for title in ("How to post", "How to close", "How to reopen"):
        _ticket(requester, title)

    found = _found(manager)
    page = signed_in(manager).get("/reports/recurring/").content.decode()

    assert len(found.blockers) == (1 if questions <= 3 else 0)
    assert f"Modules an institution asked {questions} or more questions about" in page


def test_adoption_blockers_are_modules_asked_about_three_times_or_more(
    manager: User, requester: User, southbank_requester: User
) -> None:
    for title in ("How to post", "How to close", "How to reopen"):
        _ticket(requester, title)
    for title in ("How to post", "How to close"):
        _ticket(southbank_requester, title)
    _ticket(requester, "Posting fails", category=Category.INCIDENT)

    found = _found(manager)

    assert [(row.institution, row.questions.value) for row in found.blockers] == [
        ("Northfield University", 3)
    ]
    behind = found.blockers[0].questions.tickets
    assert behind is not None
    assert ticket_list(manager, behind).count() == 3


def test_access_escalations_satisfaction_and_deflections_are_counted_in_the_period(
    manager: User, requester: User, agent: User, institution: Institution
) -> None:
    approver = factories.user(Role.APPROVAL_OWNER, institution=institution, username="aoife")
    granted = access_builders.requested(requester, agent, person_name="Sam Okafor")
    decide_access_request(request=granted, actor=approver, approve=True)
    record_done_in_erp(request=granted, actor=agent)
    escalated = [_ticket(requester, title) for title in ("Fees down", "Payroll down")]
    for ticket, hours in zip(escalated, (2, 4), strict=True):
        escalation = factories.escalation(ticket, requester)
        Escalation.objects.filter(pk=escalation.pk).update(
            requested_at=NOW - timedelta(hours=10),
            de_escalated_at=NOW - timedelta(hours=10 - hours),
        )
    for ticket, rating in zip(escalated, (2, 5), strict=True):
        Survey.objects.create(
            ticket=ticket, requester=requester, sent_at=NOW, answered_at=NOW, rating=rating
        )
    article = _article(agent, manager)
    Deflection.objects.create(article=article, user=requester, institution=institution, at=NOW)
    Deflection.objects.create(
        article=article, user=requester, institution=institution, at=NOW - timedelta(days=40)
    )

    found = _found(manager)

    assert found.access_changes == {"add": 1, "change": 0, "remove": 0}
    assert (found.escalations.count, found.escalations.median_minutes) == (2, 180.0)
    assert (found.satisfaction.responses, found.satisfaction.average) == (2, 3.5)
    assert found.deflections == 1


def test_an_institution_admin_sees_their_own_institutions_tickets_alone(
    admin: User, manager: User, requester: User, southbank_requester: User
) -> None:
    north = [_ticket(requester, "Ledger locked") for _ in range(2)]
    _ticket(southbank_requester, "Ledger locked")
    Survey.objects.create(
        ticket=_ticket(southbank_requester, "Other"),
        requester=southbank_requester,
        sent_at=NOW,
        answered_at=NOW,
        rating=1,
    )

    mine, everyone = _found(admin), _found(manager)

    assert [set(group.tickets) for group in mine.groups] == [{ticket.pk for ticket in north}]
    assert mine.groups[0].institution_names == ["Northfield University"]
    assert mine.satisfaction.responses == 0
    assert everyone.groups[0].count == 3
    assert everyone.satisfaction.responses == 1


def test_the_page_and_the_api_answer_both_readers_and_refuse_others(
    admin: User, manager: User, requester: User
) -> None:
    tickets = [_ticket(requester, "Ledger locked") for _ in range(2)]
    for reader, base in ((manager, "/desk/"), (admin, "/reports/tickets/")):
        page = signed_in(reader).get("/reports/recurring/", {"period": "7d"})
        assert page.status_code == 200
        body = page.content.decode()
        assert "Titles like “ledger locked”" in body
        assert f"{base}?queue=all&amp;status=all&amp;ids={tickets[1].pk}%2C{tickets[0].pk}" in body
        answer = ApiClient(reader).get("/reports/recurring", {"period": "7d"})
        assert answer.status_code == 200
        assert [row["count"] for row in answer.json()["groups"]] == [2]
    assert ApiClient(manager).get("/reports/recurring", {"period": "1y"}).status_code == 422
    assert signed_in(requester).get("/reports/recurring/").status_code == 403
    with pytest.raises(NotAllowed):
        _found(requester)


def test_the_figures_take_as_many_queries_however_many_issues_recur(
    manager: User, requester: User
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _found(manager)
        return len(captured.captured_queries)

    for title in ("Ledger locked", "Ledger locked"):
        _ticket(requester, title)
    _found(manager)  # the reader's roles, read once
    few = queries()
    for title in ("Fees stuck", "Fees stuck", "Payroll late", "Payroll late"):
        _ticket(requester, title)

    assert len(_found(manager).groups) == 3
    assert queries() == few

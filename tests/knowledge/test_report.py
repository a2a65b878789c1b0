"""The knowledge report: articles most used, questions worth an article, training gaps
by module and role; for support managers only, in a period."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.knowledge.answers import link_answer
from hypercare.knowledge.choices import Audience, Visibility
from hypercare.knowledge.models import Article
from hypercare.knowledge.report import knowledge_report, period_of
from hypercare.knowledge.services import ArticleContent, create_article, flag_training_gap
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import Category, Status
from hypercare.tickets.models import Ticket
from tests import factories
from tests.api.conftest import ApiClient
from tests.web.conftest import signed_in

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="meera")


def _resolved(requester: User, module_code: str = ModuleCode.FINANCE) -> Ticket:
    ticket = factories.ticket(requester, module_code=module_code)
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED, resolved_at=NOON)
    return ticket


def _article(writer: User, title: str) -> Article:
    content = ArticleContent(
        title=title,
        body="How.",
        module_code=ModuleCode.FINANCE,
        audiences=[Audience.EVERYONE],
        visibility=Visibility.INTERNAL,
    )
    return create_article(actor=writer, content=content)


@time_machine.travel(NOON, tick=False)
def test_the_most_used_articles_come_first_with_their_counts(
    requester: User, agent: User, manager: User
) -> None:
    often, once = _article(agent, "Often"), _article(agent, "Once")
    for _ in range(3):
        link_answer(ticket=factories.ticket(requester), article=often, actor=agent)
    link_answer(ticket=factories.ticket(requester), article=once, actor=agent)
    found = knowledge_report(manager, period_of(None, None))
    assert [(use.article.title, use.uses) for use in found.most_used] == [("Often", 3), ("Once", 1)]


@time_machine.travel(NOON, tick=False)
def test_write_this_one_lists_repeated_questions_resolved_without_an_article(
    requester: User, agent: User, manager: User
) -> None:
    for _ in range(3):
        _resolved(requester)
    answered = _resolved(requester)
    link_answer(ticket=answered, article=_article(agent, "Fix"), actor=agent)
    _resolved(requester, module_code=ModuleCode.EXAMS)
    _resolved(requester, module_code=ModuleCode.HR)
    factories.ticket(requester)  # open: not counted
    found = knowledge_report(manager, period_of(None, None), repeats=3)
    rows = [(row.module_code, row.category, row.count) for row in found.write_this_one]
    assert rows == [(ModuleCode.FINANCE, Category.QUESTION, 3)]
    assert len(found.write_this_one[0].examples) == 3
    assert answered not in found.write_this_one[0].examples
    lower = knowledge_report(manager, period_of(None, None), repeats=1)
    assert len(lower.write_this_one) == 3


@time_machine.travel(NOON, tick=False)
def test_training_gaps_group_by_module_and_role_with_each_institutions_count(
    requester: User,
    outsider: User,
    agent: User,
    manager: User,
    institution: Institution,
    other_institution: Institution,
) -> None:
    for person, role in (
        (requester, "Fee clerk"),
        (requester, "fee CLERK"),
        (outsider, "Fee clerk"),
    ):
        flag_training_gap(
            ticket=factories.ticket(person), actor=agent, topic="Receipts", erp_role=role
        )
    flag_training_gap(ticket=factories.ticket(requester), actor=agent, topic="X", erp_role="Dean")
    found = knowledge_report(manager, period_of(None, None))
    first = found.gaps[0]
    assert (first.module_code, first.erp_role.casefold(), first.count) == (
        ModuleCode.FINANCE,
        "fee clerk",
        3,
    )
    assert first.institutions == {institution.name: 2, other_institution.name: 1}
    assert [group.erp_role for group in found.gaps[1:]] == ["Dean"]


@time_machine.travel(NOON, tick=False)
def test_the_period_leaves_out_what_happened_before_it(
    requester: User, agent: User, manager: User
) -> None:
    with time_machine.travel(NOON - timedelta(days=40), tick=False):
        flag_training_gap(
            ticket=factories.ticket(requester), actor=agent, topic="Old", erp_role="A"
        )
    assert knowledge_report(manager, period_of(None, None)).gaps == []
    older = period_of((NOON - timedelta(days=45)).date(), None)
    assert len(knowledge_report(manager, older).gaps) == 1


def test_a_bad_period_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationFailed) as refused:
        period_of(NOON.date(), NOON.date() - timedelta(days=1))
    assert set(refused.value.errors) == {"since"}


@time_machine.travel(NOON, tick=False)
def test_only_support_managers_read_the_report(requester: User, agent: User, manager: User) -> None:
    with pytest.raises(NotAllowed):
        knowledge_report(agent, period_of(None, None))
    assert ApiClient(agent).get("/knowledge/report").status_code == 403
    assert ApiClient(requester).get("/knowledge/report").status_code == 403
    answer = ApiClient(manager).get("/knowledge/report", {"since": "2026-03-01"})
    assert answer.status_code == 200
    assert (answer.json()["since"], answer.json()["until"]) == ("2026-03-01", "2026-03-10")
    assert ApiClient(manager).get("/knowledge/report", {"since": "x"}).status_code == 422
    assert ApiClient(manager).get("/knowledge/report", {"repeats": 0}).status_code == 422
    assert ApiClient(manager).get("/knowledge/report", {"nope": 1}).status_code == 422
    assert signed_in(agent).get("/desk/knowledge/report/").status_code == 403
    assert signed_in(manager).get("/desk/knowledge/report/").status_code == 200
    bad = signed_in(manager).get(
        "/desk/knowledge/report/", {"since": "2026-03-10", "until": "2026-03-01"}
    )
    assert bad.status_code == 422


@time_machine.travel(NOON, tick=False)
def test_the_report_costs_the_same_queries_however_much_it_lists(
    requester: User, agent: User, manager: User
) -> None:
    api = ApiClient(manager)

    def add(modules: list[str]) -> None:
        for code in modules:
            for _ in range(2):
                ticket = _resolved(requester, module_code=code)
                flag_training_gap(ticket=ticket, actor=agent, topic="T", erp_role=code)
            link_answer(
                ticket=factories.ticket(requester), article=_article(agent, code), actor=agent
            )

    add([ModuleCode.FINANCE])
    api.get("/knowledge/report", {"repeats": 2})  # the token's first use
    with CaptureQueriesContext(connection) as few:
        api.get("/knowledge/report", {"repeats": 2})
    add([ModuleCode.EXAMS, ModuleCode.HR, ModuleCode.FEES])
    with CaptureQueriesContext(connection) as many:
        found = api.get("/knowledge/report", {"repeats": 2}).json()
    assert (len(found["most_used"]), len(found["write_this_one"]), len(found["training_gaps"])) == (
        4,
        4,
        4,
    )
    assert all(len(row["examples"]) == 2 for row in found["write_this_one"])
    assert len(many.captured_queries) == len(few.captured_queries)

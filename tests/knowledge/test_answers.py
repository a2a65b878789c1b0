"""Answered by: agents link a ticket to the articles that answer it; the requester finds
those they may read on their ticket; through the services, the API and both pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, NotFound
from hypercare.knowledge.answers import link_answer, unlink_answer
from hypercare.knowledge.choices import (
    ArticleStatus,
    Audience,
    KnowledgeTicketEventKind,
    Visibility,
)
from hypercare.knowledge.models import Article, TicketAnswer
from hypercare.knowledge.selectors import ticket_answers
from hypercare.knowledge.services import ArticleContent, change_article_status, create_article
from hypercare.orgs.choices import ModuleCode
from hypercare.tickets.models import Ticket
from tests import factories
from tests.api.conftest import ApiClient
from tests.web.conftest import signed_in


def _article(writer: User, title: str, visibility: str, *, publish: bool = True) -> Article:
    content = ArticleContent(
        title=title,
        body="Choose Regenerate.",
        module_code=ModuleCode.FEES,
        audiences=[Audience.EVERYONE],
        visibility=visibility,
    )
    article = create_article(actor=writer, content=content)
    if publish:
        editor = factories.agent("support_manager")
        change_article_status(article=article, actor=writer, status=ArticleStatus.IN_REVIEW)
        change_article_status(article=article, actor=editor, status=ArticleStatus.PUBLISHED)
    return article


@pytest.fixture
def ticket(requester: User) -> Ticket:
    return factories.ticket(requester)


def test_linking_twice_keeps_one_link_and_one_internal_event(ticket: Ticket, agent: User) -> None:
    article = _article(agent, "Reprint a receipt", Visibility.ALL_INSTITUTIONS)
    link_answer(ticket=ticket, article=article, actor=agent)
    link_answer(ticket=ticket, article=article, actor=agent)
    assert TicketAnswer.objects.filter(ticket=ticket).count() == 1
    event = ticket.events.get(kind=KnowledgeTicketEventKind.ANSWER_LINKED)
    assert (event.is_internal, event.new_value) == (True, f"#{article.pk} Reprint a receipt")
    unlink_answer(ticket=ticket, article=article, actor=agent)
    unlink_answer(ticket=ticket, article=article, actor=agent)
    assert not TicketAnswer.objects.exists()
    assert ticket.events.filter(kind=KnowledgeTicketEventKind.ANSWER_UNLINKED).count() == 1


def test_a_ticket_may_be_answered_by_several_articles(ticket: Ticket, agent: User) -> None:
    first = _article(agent, "Reprint a receipt", Visibility.ALL_INSTITUTIONS)
    second = _article(agent, "Printer setup", Visibility.INTERNAL)
    for article in (first, second):
        link_answer(ticket=ticket, article=article, actor=agent)
    assert [answer.article for answer in ticket_answers(agent, ticket)] == [first, second]


def test_only_support_staff_link_and_only_articles_they_read(
    ticket: Ticket, agent: User, requester: User
) -> None:
    article = _article(agent, "Reprint a receipt", Visibility.ALL_INSTITUTIONS)
    with pytest.raises(NotAllowed):
        link_answer(ticket=ticket, article=article, actor=requester)
    inactive = factories.agent(username="gone")
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    inactive.refresh_from_db()
    with pytest.raises(NotAllowed):
        link_answer(ticket=ticket, article=article, actor=inactive)
    with pytest.raises(NotFound):
        link_answer(ticket=ticket, article=Article(pk=article.pk + 100), actor=agent)


def test_the_requester_sees_only_the_published_articles_for_them(
    ticket: Ticket, agent: User, requester: User
) -> None:
    public = _article(agent, "Reprint a receipt", Visibility.ALL_INSTITUTIONS)
    internal = _article(agent, "Gateway internals", Visibility.INTERNAL)
    draft = _article(agent, "Draft fix", Visibility.ALL_INSTITUTIONS, publish=False)
    for article in (public, internal, draft):
        link_answer(ticket=ticket, article=article, actor=agent)
    assert [answer.article for answer in ticket_answers(requester, ticket)] == [public]
    listed = ApiClient(requester).get(f"/tickets/{ticket.reference}/answers").json()
    assert [row["article"]["id"] for row in listed] == [public.pk]
    page = signed_in(requester).get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "Reprint a receipt" in page
    assert "Gateway internals" not in page
    assert "Draft fix" not in page


def test_the_api_links_lists_and_unlinks(ticket: Ticket, agent: User) -> None:
    article = _article(agent, "Reprint a receipt", Visibility.ALL_INSTITUTIONS)
    api = ApiClient(agent)
    linked = api.post(f"/tickets/{ticket.reference}/answers", {"article_id": article.pk})
    assert linked.status_code == 201
    assert linked.json()["article"] == {"id": article.pk, "title": "Reprint a receipt"}
    assert len(api.get(f"/tickets/{ticket.reference}/answers").json()) == 1
    missing = api.post(f"/tickets/{ticket.reference}/answers", {"article_id": 99999})
    assert missing.status_code == 404
    wrong = api.post(f"/tickets/{ticket.reference}/answers", {"article_id": "x"})
    assert wrong.status_code == 422
    assert api.delete(f"/tickets/{ticket.reference}/answers/{article.pk}").status_code == 204
    assert api.get(f"/tickets/{ticket.reference}/answers").json() == []


def test_the_desk_panel_links_and_unlinks(ticket: Ticket, agent: User) -> None:
    article = _article(agent, "Reprint a receipt", Visibility.ALL_INSTITUTIONS)
    web = signed_in(agent)
    page = web.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert 'id="answers-panel"' in page
    linked = web.post(
        f"/desk/tickets/{ticket.pk}/answers/", {"article": article.pk}, HTTP_HX_REQUEST="true"
    )
    assert linked.status_code == 200
    assert "Reprint a receipt" in linked.content.decode()
    refused = web.post(
        f"/desk/tickets/{ticket.pk}/answers/", {"article": 99999}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 422
    assert "No such article" in refused.content.decode()
    web.post(f"/desk/tickets/{ticket.pk}/answers/unlink/", {"article": article.pk})
    assert not TicketAnswer.objects.exists()


def test_the_answers_list_costs_the_same_queries_however_many_it_lists(
    ticket: Ticket, agent: User, requester: User
) -> None:
    api = ApiClient(requester)

    def link(count: int) -> None:
        for n in range(count):
            article = _article(agent, f"Answer {n}", Visibility.ALL_INSTITUTIONS)
            link_answer(ticket=ticket, article=article, actor=agent)

    link(1)
    api.get(f"/tickets/{ticket.reference}/answers")  # the token's first use
    with CaptureQueriesContext(connection) as few:
        api.get(f"/tickets/{ticket.reference}/answers")
    link(4)
    with CaptureQueriesContext(connection) as many:
        listed = api.get(f"/tickets/{ticket.reference}/answers").json()
    assert len(listed) == 5
    assert len(many.captured_queries) == len(few.captured_queries)

"""Suggestions while a report is written, and what readers do with an article: it solved
their problem (a deflection), they read it, they vote; through the services and the API."""

from dataclasses import replace
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import NotFound, ValidationFailed
from hypercare.knowledge.choices import ArticleStatus, Audience, Visibility
from hypercare.knowledge.models import Article, ArticleView, Deflection
from hypercare.knowledge.reading import (
    VIEW_WINDOW,
    record_article_view,
    record_deflection,
    vote_on_article,
)
from hypercare.knowledge.selectors import article_counts, suggested_articles, vote_of
from hypercare.knowledge.services import ArticleContent, change_article_status, create_article
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from tests import factories
from tests.api.conftest import ApiClient

RECEIPTS = ArticleContent(
    title="Fee receipt not generated after payment",
    body="When a fee receipt is not generated, open **Fees → Receipts** and choose Regenerate.",
    module_code=ModuleCode.FEES,
    audiences=[Audience.EVERYONE],
    visibility=Visibility.ALL_INSTITUTIONS,
)
HALL_TICKETS = ArticleContent(
    title="Hall tickets are blank",
    body="Print hall tickets again from Exams → Hall tickets once the fee is paid.",
    module_code=ModuleCode.EXAMS,
    audiences=[Audience.EVERYONE],
    visibility=Visibility.ALL_INSTITUTIONS,
)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="meera")


def published(manager: User, content: ArticleContent = RECEIPTS) -> Article:
    article = create_article(actor=manager, content=content)
    change_article_status(article=article, actor=manager, status=ArticleStatus.IN_REVIEW)
    return change_article_status(article=article, actor=manager, status=ArticleStatus.PUBLISHED)


def test_a_requester_typing_fee_receipt_not_generated_is_shown_the_article(
    manager: User, requester: User
) -> None:
    receipts = published(manager)
    published(manager, HALL_TICKETS)
    [found] = suggested_articles(requester, ModuleCode.FEES, "fee receipt not generated", 3)
    assert found == receipts
    assert "\x02receipt\x03" in vars(found)["snippet"].lower()  # an annotation


def test_any_word_suggests_and_the_rarer_words_rank_first(manager: User, requester: User) -> None:
    receipts = published(manager)
    tickets = published(manager, HALL_TICKETS)
    found = suggested_articles(requester, "", "hall tickets fee", 5)
    assert found == [tickets, receipts]
    assert suggested_articles(requester, "", "the is not", 5) == []
    assert suggested_articles(requester, ModuleCode.EXAMS, "receipt", 5) == []


def test_only_published_articles_for_everyone_are_suggested(
    manager: User, requester: User, agent: User, other_institution: Institution
) -> None:
    create_article(actor=manager, content=RECEIPTS)  # a draft
    published(manager, ArticleContent(**{**RECEIPTS.__dict__, "visibility": Visibility.INTERNAL}))
    chosen = ArticleContent(
        **{
            **RECEIPTS.__dict__,
            "visibility": Visibility.CHOSEN_INSTITUTIONS,
            "institutions": [other_institution],
        }
    )
    published(manager, chosen)
    assert suggested_articles(requester, "", "receipt", 5) == []
    assert suggested_articles(agent, "", "receipt", 5) == [
        Article.objects.get(visibility=Visibility.CHOSEN_INSTITUTIONS)
    ]


def test_a_deflection_keeps_what_was_typed_as_one_line(manager: User, requester: User) -> None:
    article = published(manager)
    deflection = record_deflection(
        article=article,
        actor=requester,
        module_code=ModuleCode.FEES,
        query="Fee receipt\nnot generated " + "x" * 600,
    )
    assert (deflection.institution, deflection.module_code) == (
        requester.institution,
        ModuleCode.FEES,
    )
    assert deflection.query.startswith("Fee receipt not generated x")
    assert len(deflection.query) == 500


def test_a_deflection_needs_a_published_article_the_reader_reads(
    manager: User, requester: User, agent: User
) -> None:
    draft = create_article(actor=manager, content=RECEIPTS)
    with pytest.raises(NotFound):
        record_deflection(article=draft, actor=requester)
    with pytest.raises(ValidationFailed) as refused:
        record_deflection(article=draft, actor=agent)
    assert refused.value.errors == {"article": "only a published article solves a problem"}
    with pytest.raises(ValidationFailed):
        record_deflection(article=published(manager), actor=requester, module_code="moon")


def test_a_reload_soon_after_is_not_another_view(manager: User, requester: User) -> None:
    article = published(manager)
    with time_machine.travel("2026-03-02 09:00Z", tick=False) as traveller:
        assert record_article_view(article=article, actor=requester)
        traveller.shift(VIEW_WINDOW - timedelta(minutes=1))
        assert not record_article_view(article=article, actor=requester)
        traveller.shift(timedelta(minutes=2))
        assert record_article_view(article=article, actor=requester)
    assert ArticleView.objects.filter(article=article).count() == 2


def test_voting_again_changes_the_one_vote_and_staff_see_the_counts(
    manager: User, requester: User, colleague: User
) -> None:
    article = published(manager)
    vote_on_article(article=article, actor=requester, helpful=False, comment="Still stuck")
    vote_on_article(article=article, actor=requester, helpful=True)
    vote_on_article(article=article, actor=colleague, helpful=False)
    record_deflection(article=article, actor=requester)
    record_article_view(article=article, actor=requester)
    mine = vote_of(requester, article)
    assert mine is not None
    assert (mine.helpful, mine.comment) == (True, "")
    counts = article_counts(manager, article)
    assert counts is not None
    assert (counts.views, counts.helpful, counts.not_helpful, counts.deflections) == (1, 1, 1, 1)
    assert article_counts(requester, article) is None


def test_the_api_suggests_deflects_and_votes(manager: User, requester: User) -> None:
    article = published(manager)
    reader = ApiClient(requester)
    found = reader.get(
        "/articles/suggestions", {"module": "fees", "text": "fee receipt not generated"}
    )
    assert found.status_code == 200, found.json()
    assert [row["id"] for row in found.json()] == [article.pk]
    assert "<mark>" in found.json()[0]["snippet"]
    assert reader.get("/articles/suggestions", {"limit": 0}).status_code == 422
    assert reader.get("/articles/suggestions", {"colour": "red"}).status_code == 422
    deflected = reader.post(
        f"/articles/{article.pk}/deflections", {"module": "fees", "query": "receipt"}
    )
    assert deflected.status_code == 201, deflected.json()
    assert Deflection.objects.get().query == "receipt"
    voted = reader.post(f"/articles/{article.pk}/votes", {"helpful": False, "comment": "Old"})
    assert (voted.status_code, voted.json()["helpful"]) == (200, False)
    assert reader.post(f"/articles/{article.pk}/votes", {"comment": "x"}).status_code == 422
    assert reader.get(f"/articles/{article.pk}").json()["counts"] is None
    counts = ApiClient(manager).get(f"/articles/{article.pk}").json()["counts"]
    assert counts == {"views": 0, "helpful": 0, "not_helpful": 1, "deflections": 1}


def test_the_ticket_received_mail_suggests_what_the_requester_would_see(
    manager: User, requester: User, other_institution: Institution
) -> None:
    receipts = published(manager)
    published(
        manager, replace(RECEIPTS, title="Fee receipt internal fix", visibility=Visibility.INTERNAL)
    )
    published(
        manager,
        replace(
            RECEIPTS,
            title="Fee receipt at Southbank",
            visibility=Visibility.CHOSEN_INSTITUTIONS,
            institutions=[other_institution],
        ),
    )
    ticket = factories.ticket(
        requester, module_code=ModuleCode.FEES, title="Fee receipt not generated"
    )
    mail = OutboxMessage.objects.get(event=NotificationEvent.TICKET_RECEIVED, ticket=ticket)
    assert (
        "These help articles may already answer it:\n"
        f"{receipts.title}\n  http://testserver/portal/knowledge/{receipts.pk}/\n"
    ) in mail.body.replace(settings.SITE_URL, "http://testserver")
    assert "internal fix" not in mail.body
    assert "Southbank" not in mail.body


def test_the_ticket_received_mail_says_nothing_of_articles_when_none_match(
    requester: User,
) -> None:
    ticket = factories.ticket(requester, module_code=ModuleCode.FEES)
    mail = OutboxMessage.objects.get(event=NotificationEvent.TICKET_RECEIVED, ticket=ticket)
    assert "help articles" not in mail.body

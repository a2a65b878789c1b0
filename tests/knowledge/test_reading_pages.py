"""Suggestions on the portal's report form, "this solved my problem", votes on the portal
article page and the counts on the desk's, through the pages."""

from dataclasses import replace

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.knowledge.choices import Visibility
from hypercare.knowledge.models import ArticleView, ArticleVote, Deflection
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Ticket
from tests import factories
from tests.knowledge.test_reading import HALL_TICKETS, RECEIPTS, published
from tests.web.conftest import signed_in
from tests.web.test_portal import report_data


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="meera")


def test_the_report_form_asks_for_suggestions_as_the_reader_types(
    requester: User, institution: Institution
) -> None:
    module = factories.module(institution, ModuleCode.FEES)
    page = signed_in(requester).get(f"/portal/report/?module={module.pk}&category=incident")
    text = page.content.decode()
    assert 'hx-get="/portal/knowledge/suggestions/"' in text
    assert 'hx-trigger="keyup changed delay:400ms"' in text
    assert 'id="suggestions"' in text


def test_typing_fee_receipt_not_generated_suggests_the_article_with_highlights(
    manager: User, requester: User, institution: Institution
) -> None:
    receipts = published(manager)
    published(manager, HALL_TICKETS)
    module = factories.module(institution, ModuleCode.FEES)
    found = signed_in(requester).get(
        "/portal/knowledge/suggestions/",
        {"module": str(module.pk), "title": "fee receipt not generated", "description": ""},
    )
    text = found.content.decode()
    assert f"/portal/knowledge/{receipts.pk}/" in text
    assert "Hall tickets" not in text
    assert "<mark>receipt</mark>" in text
    assert f'formaction="/portal/knowledge/{receipts.pk}/solved/"' in text


def test_this_solved_my_problem_files_nothing_and_records_a_deflection(
    manager: User, requester: User, institution: Institution
) -> None:
    receipts = published(manager)
    data = report_data(institution, title="Fee receipt not generated")
    answer = signed_in(requester).post(f"/portal/knowledge/{receipts.pk}/solved/", data)
    assert (answer.status_code, answer["Location"]) == (302, f"/portal/knowledge/{receipts.pk}/")
    assert not Ticket.objects.exists()
    deflection = Deflection.objects.get()
    assert (deflection.article, deflection.user, deflection.module_code) == (
        receipts,
        requester,
        ModuleCode.FEES,
    )
    assert deflection.query.startswith("Fee receipt not generated A parent lost")


def test_a_reader_votes_and_changes_the_vote_on_the_article_page(
    manager: User, requester: User
) -> None:
    article = published(manager)
    reader = signed_in(requester)
    page = reader.get(f"/portal/knowledge/{article.pk}/")
    reader.get(f"/portal/knowledge/{article.pk}/")
    assert "Was this helpful?" in page.content.decode()
    assert ArticleView.objects.filter(article=article).count() == 1
    refused = reader.post(f"/portal/knowledge/{article.pk}/vote/", {"comment": "?"})
    assert refused.status_code == 422
    assert 'id="id_helpful_error"' in refused.content.decode()
    reader.post(f"/portal/knowledge/{article.pk}/vote/", {"helpful": "no", "comment": "Old"})
    reader.post(f"/portal/knowledge/{article.pk}/vote/", {"helpful": "yes"})
    vote = ArticleVote.objects.get()
    assert (vote.helpful, vote.comment) == (True, "")
    assert "You said it helped" in reader.get(f"/portal/knowledge/{article.pk}/").content.decode()


def test_the_desk_article_page_shows_the_counts(manager: User, requester: User) -> None:
    article = published(manager)
    signed_in(requester).get(f"/portal/knowledge/{article.pk}/")
    signed_in(requester).post(f"/portal/knowledge/{article.pk}/vote/", {"helpful": "no"})
    page = signed_in(manager).get(f"/desk/knowledge/{article.pk}/").content.decode()
    assert "<dt>Views</dt><dd>1</dd>" in page
    assert "<dt>Not helpful</dt><dd>1</dd>" in page
    assert "<dt>Deflections</dt><dd>0</dd>" in page


def test_another_institutions_reader_cannot_deflect_or_vote_with_a_chosen_article(
    manager: User, outsider: User, institution: Institution
) -> None:
    content = replace(
        RECEIPTS, visibility=Visibility.CHOSEN_INSTITUTIONS, institutions=[institution]
    )
    chosen = published(manager, content)
    other = signed_in(outsider)
    assert other.post(f"/portal/knowledge/{chosen.pk}/solved/", {}).status_code == 404
    assert other.post(f"/portal/knowledge/{chosen.pk}/vote/", {"helpful": "yes"}).status_code == 404
    found = other.get("/portal/knowledge/suggestions/", {"title": "fee receipt"})
    assert f"/portal/knowledge/{chosen.pk}/" not in found.content.decode()
    assert not Deflection.objects.exists()
    assert not ArticleVote.objects.exists()


def test_the_suggestions_are_a_page_when_opened_on_their_own(
    manager: User, requester: User, institution: Institution
) -> None:
    """The report form swaps the list in; a reader opening its address gets a whole page
    whose "This solved my problem" still posts what they typed."""
    receipts = published(manager)
    query = {"title": "fee receipt not generated"}
    client = signed_in(requester)

    swapped = client.get("/portal/knowledge/suggestions/", query, HTTP_HX_REQUEST="true")
    opened = client.get("/portal/knowledge/suggestions/", query).content.decode()

    assert "<html" not in swapped.content.decode()
    assert "<h1>Suggested help articles</h1>" in opened
    assert 'name="title" value="fee receipt not generated"' in opened
    assert f'formaction="/portal/knowledge/{receipts.pk}/solved/"' in opened

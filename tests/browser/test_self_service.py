"""Self-service in a real browser: a suggested article answers a report before it is
filed (and the reader says what it lacked), and a requester rates the support through
the mailed survey link without signing in."""

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, Request, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.knowledge.choices import ArticleStatus, Audience, Visibility
from hypercare.knowledge.models import Article, ArticleVote, Deflection
from hypercare.knowledge.services import ArticleContent, change_article_status, create_article
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Team
from hypercare.surveys import links
from hypercare.surveys.models import Survey
from hypercare.tickets.models import Ticket
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, shoot, sign_in
from tests.surveys.conftest import resolve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECEIPT = "Fee receipt not generated after an online payment"


def _published_receipt_article(writer: User) -> Article:
    editor = factories.agent(Role.SUPPORT_MANAGER, username="meera")
    content = ArticleContent(
        title=RECEIPT,
        body="When the gateway confirms the payment late, the fee receipt is generated "
        "by the nightly match. Open Fees, then Pending payments, and choose Match now.",
        module_code=ModuleCode.FEES,
        audiences=[Audience.EVERYONE, Audience.ACCOUNTS],
        visibility=Visibility.ALL_INSTITUTIONS,
    )
    article = create_article(actor=writer, content=content)
    change_article_status(article=article, actor=writer, status=ArticleStatus.IN_REVIEW)
    return change_article_status(article=article, actor=editor, status=ArticleStatus.PUBLISHED)


def test_a_suggested_article_deflects_the_report_and_takes_a_not_helpful_vote(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    base = live_server.url
    requester = people["requester"]
    article = _published_receipt_article(people["agent"])
    tickets_before = Ticket.objects.count()
    page = new_page()
    sign_in(page, base, "riya")
    page.goto(f"{base}/portal/report/")
    page.get_by_label("Which part of the ERP is it about?").select_option(label="Fees")
    page.get_by_text("Something is broken or down").click()
    page.get_by_role("button", name="Continue").click()
    asked: list[dict[str, list[str]]] = []

    def record(request: Request) -> None:
        url = urlsplit(request.url)
        if url.path == "/portal/knowledge/suggestions/":
            asked.append(parse_qs(url.query))

    page.on("request", record)
    page.get_by_label("In one line, what is wrong?").press_sequentially(
        "fee receipt not generated", delay=20
    )
    suggestions = page.get_by_role("region", name="Suggested help articles")
    hit = suggestions.locator("li").filter(has_text=RECEIPT)
    expect(hit).to_have_count(1)
    expect(hit.locator("p mark", has_text="receipt").first).to_be_visible()
    # Debounced: asked once typing pauses, not once per key (a slow machine may pause once).
    assert 1 <= len(asked) <= 2, asked
    assert requester.institution is not None
    fees = factories.module(requester.institution, ModuleCode.FEES)
    assert asked[-1]["title"] == ["fee receipt not generated"]
    assert asked[-1]["module"] == [str(fees.pk)]
    assert serious_accessibility_problems(page) == []
    shoot(page, "self-service-suggestions")

    hit.get_by_role("button", name="This solved my problem").click()
    expect(page).to_have_url(f"{base}/portal/knowledge/{article.pk}/")
    expect(page.locator(".alert--success")).to_contain_text("Nothing was sent to support")
    expect(page.get_by_role("heading", level=1)).to_have_text(RECEIPT)
    assert Ticket.objects.count() == tickets_before
    deflection = Deflection.objects.get()
    assert (deflection.article_id, deflection.user_id) == (article.pk, requester.pk)
    assert deflection.module_code == ModuleCode.FEES
    assert deflection.query == "fee receipt not generated"
    assert deflection.institution_id == requester.institution_id

    vote = page.get_by_role("region", name="Was this helpful?")
    vote.get_by_label("No", exact=True).check()
    vote.get_by_label("What was missing or unclear?").fill("Match now is not on my menu.")
    vote.get_by_role("button", name="Send").click()
    expect(page.locator(".alert--success")).to_contain_text("your answer is saved")
    expect(vote).to_contain_text("You said it did not help")
    assert serious_accessibility_problems(page) == []
    shoot(page, "self-service-article-voted")
    stored = ArticleVote.objects.get(article=article, user=requester)
    assert (stored.helpful, stored.comment) == (False, "Match now is not on my menu.")


def test_the_survey_link_takes_a_low_rating_once_without_sign_in_and_tells_the_lead(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    lead = factories.agent(Role.TIER1, username="lena", first_name="Lena", email="lena@desk.test")
    desk = Team.objects.get(name="Service desk")
    Team.objects.filter(pk=desk.pk).update(lead=lead)
    desk.refresh_from_db()
    ticket = factories.ticket(people["requester"], title="Fee receipt prints blank")
    resolve(ticket, people["agent"], desk)
    survey = Survey.objects.get(ticket=ticket)
    link = f"{live_server.url}/surveys/{links.token_for(survey)}/"
    assert links.survey_url(survey).endswith(f"/surveys/{links.token_for(survey)}/")

    page = new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("How did we do?")
    expect(page.get_by_text(ticket.reference)).to_be_visible()
    assert serious_accessibility_problems(page) == []
    page.get_by_label("2", exact=True).check()
    page.get_by_label("Comment").fill("Took a week to hear back.")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.locator(".alert--success")).to_contain_text("Thank you for your answer.")
    expect(page.get_by_text("This survey is already answered")).to_be_visible()
    shoot(page, "self-service-survey-answered")

    page.goto(link)
    expect(page.get_by_text("This survey is already answered")).to_contain_text(
        "you rated the support 2 out of 5"
    )
    expect(page.get_by_role("button", name="Send my answer")).to_have_count(0)
    assert serious_accessibility_problems(page) == []
    answered = Survey.objects.get(pk=survey.pk)
    assert (answered.rating, answered.comment) == (2, "Took a week to hear back.")
    mail = OutboxMessage.objects.get(event=NotificationEvent.SURVEY_LOW_RATING)
    assert mail.recipient == lead
    assert "Took a week to hear back." in mail.body

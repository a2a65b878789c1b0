"""Knowledge while answering, in a real browser: the agent searches as they type, puts an
article's text and its portal link into the reply, is told why an internal article has
no link, and drafts an article once the ticket is resolved."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.knowledge.choices import ArticleStatus, Audience, Visibility
from hypercare.knowledge.models import Article
from hypercare.knowledge.services import ArticleContent, change_article_status, create_article
from hypercare.orgs.choices import ModuleCode
from hypercare.tickets.choices import Status
from hypercare.tickets.services.workflow import change_status
from tests import factories
from tests.browser.conftest import serious_accessibility_problems, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _article(writer: User, editor: User, title: str, visibility: str) -> Article:
    content = ArticleContent(
        title=title,
        body=f"Open Fees, then {title.lower()}.",
        module_code=ModuleCode.FINANCE,
        audiences=[Audience.EVERYONE],
        visibility=visibility,
    )
    article = create_article(actor=writer, content=content)
    change_article_status(article=article, actor=writer, status=ArticleStatus.IN_REVIEW)
    return change_article_status(article=article, actor=editor, status=ArticleStatus.PUBLISHED)


def test_an_agent_inserts_an_article_into_the_reply_and_drafts_one(
    live_server: LiveServer, new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    base = live_server.url
    agent = people["agent"]
    manager = factories.agent(Role.SUPPORT_MANAGER, username="meera")
    public = _article(agent, manager, "Regenerate the receipt", Visibility.ALL_INSTITUTIONS)
    _article(agent, manager, "Reset the receipt printer", Visibility.INTERNAL)
    ticket = factories.ticket(people["requester"], title="Receipt prints blank")
    page = new_page()
    sign_in(page, base, "tara")
    page.goto(f"{base}/desk/tickets/{ticket.pk}/")
    panel = page.locator("#ticket-knowledge")
    panel.get_by_label("Search articles for the reply").fill("regenerate")
    hit = panel.locator(".kbhits__hit").filter(has_text="Regenerate the receipt")
    expect(hit).to_have_count(1)
    expect(panel.locator(".kbhits__hit")).to_have_count(1)
    hit.get_by_role("button", name="Insert text").click()
    reply = page.locator("#id_reply-body")
    expect(reply).to_have_value("Open Fees, then regenerate the receipt.\n")
    hit.get_by_role("button", name="Insert link").click()
    expect(reply).to_have_value(
        re.compile(rf"receipt\.\nRegenerate the receipt: .*/portal/knowledge/{public.pk}/\n$")
    )
    panel.get_by_label("Search articles for the reply").fill("printer")
    internal = panel.locator(".kbhits__hit").filter(has_text="Reset the receipt printer")
    expect(internal.get_by_text("Riya Sen cannot open this article")).to_be_visible()
    expect(internal.get_by_role("button", name="Insert link")).to_have_count(0)
    assert serious_accessibility_problems(page) == []

    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED, reason="Template fixed.")
    page.goto(f"{base}/desk/tickets/{ticket.pk}/")
    page.get_by_role("button", name="Draft an article from this ticket").click()
    expect(page.get_by_label("Title")).to_have_value("Receipt prints blank")
    page.goto(f"{base}/desk/tickets/{ticket.pk}/")
    expect(page.get_by_text("Article written from this ticket")).to_be_visible()

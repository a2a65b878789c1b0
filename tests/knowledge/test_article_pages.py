"""Knowledge articles on the workspace (write, review, publish, versions) and in the
portal (read), through the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.knowledge.choices import ArticleStatus, Audience, Visibility
from hypercare.knowledge.models import Article
from hypercare.knowledge.services import (
    ArticleContent,
    change_article_status,
    create_article,
    set_related_articles,
)
from hypercare.orgs.choices import ModuleCode
from tests import factories
from tests.web.conftest import PNG, signed_in

FORM = {
    "title": "Fee receipt not generated",
    "body": "1. Open **Receipts**.\n\n<script>alert(1)</script>",
    "module_code": "fees",
    "audiences": ["accounts", "everyone"],
    "visibility": "all",
    "note": "First cut",
}


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="meera")


def _article(writer: User, **changes: object) -> Article:
    content = ArticleContent(
        title="Hall tickets",
        body="Print from **Exams**.",
        module_code=ModuleCode.EXAMS,
        audiences=[Audience.EVERYONE],
        visibility=Visibility.ALL_INSTITUTIONS,
    )
    return create_article(actor=writer, content=ArticleContent(**{**content.__dict__, **changes}))


def test_an_agent_writes_a_draft_and_a_manager_publishes_it(agent: User, manager: User) -> None:
    desk = signed_in(agent)
    saved = desk.post("/desk/knowledge/new/", FORM)
    article = Article.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == f"/desk/knowledge/{article.pk}/"
    page = desk.get(f"/desk/knowledge/{article.pk}/").content.decode()
    assert "<strong>Receipts</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "Submit for review" in page
    assert "Publish" not in page
    desk.post(f"/desk/knowledge/{article.pk}/status/", {"status": "in_review"})
    assert (
        desk.post(f"/desk/knowledge/{article.pk}/status/", {"status": "published"}).status_code
        == 403
    )
    editor = signed_in(manager)
    assert "Publish" in editor.get(f"/desk/knowledge/{article.pk}/").content.decode()
    editor.post(f"/desk/knowledge/{article.pk}/status/", {"status": "published"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    edit = f"/desk/knowledge/{article.pk}/edit/"
    assert edit not in desk.get(f"/desk/knowledge/{article.pk}/").content.decode()
    assert edit in editor.get(f"/desk/knowledge/{article.pk}/").content.decode()
    refused = editor.post(f"/desk/knowledge/{article.pk}/status/", {"status": "in_review"})
    assert refused.status_code == 409


def test_the_form_names_what_is_wrong(agent: User) -> None:
    page = signed_in(agent).post(
        "/desk/knowledge/new/", {**FORM, "visibility": "chosen", "audiences": []}
    )
    assert page.status_code == 422
    html = page.content.decode()
    assert "choose at least one institution" in html
    assert "name at least one audience" in html
    assert not Article.objects.exists()


def test_an_edit_makes_a_version_and_the_versions_page_shows_the_diff(agent: User) -> None:
    desk = signed_in(agent)
    article = _article(agent)
    edited = desk.post(
        f"/desk/knowledge/{article.pk}/edit/",
        {**FORM, "title": "Hall tickets", "body": "Print from **Results**.", "note": "Moved"},
    )
    assert edited.status_code == 302
    page = desk.get(f"/desk/knowledge/{article.pk}/versions/").content.decode()
    assert "From version 1 to version 2" in page
    assert "-Print from **Exams**." in page
    assert "+Print from **Results**." in page
    assert "Moved" in page
    assert desk.get(f"/desk/knowledge/{article.pk}/versions/", {"old": "x"}).status_code == 404


def test_related_articles_are_set_on_the_desk_and_shown_both_ways(agent: User) -> None:
    desk = signed_in(agent)
    one, other = _article(agent), _article(agent, title="Seat plans")
    desk.post(f"/desk/knowledge/{one.pk}/related/", {"related": [other.pk]})
    assert "Hall tickets" in desk.get(f"/desk/knowledge/{other.pk}/").content.decode()


def test_the_portal_lists_and_reads_what_is_published_for_the_reader(
    agent: User, manager: User, requester: User
) -> None:
    published, draft = _article(agent), _article(agent, title="Seat plans")
    change_article_status(article=published, actor=agent, status=ArticleStatus.IN_REVIEW)
    change_article_status(article=published, actor=manager, status=ArticleStatus.PUBLISHED)
    set_related_articles(article=published, actor=agent, related=[draft])
    portal = signed_in(requester)
    listed = portal.get("/portal/knowledge/").content.decode()
    assert "Hall tickets" in listed
    assert "Seat plans" not in listed
    page = portal.get(f"/portal/knowledge/{published.pk}/").content.decode()
    assert "<strong>Exams</strong>" in page
    assert "Seat plans" not in page
    assert portal.get(f"/portal/knowledge/{draft.pk}/").status_code == 404
    assert portal.get("/desk/knowledge/").status_code == 302


def test_files_are_uploaded_on_the_desk_and_read_in_the_portal(
    agent: User, manager: User, requester: User
) -> None:
    article = _article(agent)
    desk = signed_in(agent)
    desk.post(
        f"/desk/knowledge/{article.pk}/files/",
        {"file": [SimpleUploadedFile("steps.png", PNG), SimpleUploadedFile("x.svg", b"<svg>")]},
    )
    stored = article.files.get()
    page = desk.get(f"/desk/knowledge/{article.pk}/").content.decode()
    assert f"![steps.png](/knowledge/files/{stored.pk}/)" in page
    portal = signed_in(requester)
    assert portal.get(f"/knowledge/files/{stored.pk}/").status_code == 404
    change_article_status(article=article, actor=agent, status=ArticleStatus.IN_REVIEW)
    change_article_status(article=article, actor=manager, status=ArticleStatus.PUBLISHED)
    served = portal.get(f"/knowledge/files/{stored.pk}/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert "sandbox" in served["Content-Security-Policy"]


@pytest.mark.parametrize("side", ["desk", "portal"])
def test_the_list_pages_cost_the_same_queries_for_few_and_many_articles(
    agent: User, manager: User, requester: User, side: str
) -> None:
    client = signed_in(agent if side == "desk" else requester)

    def publish(count: int) -> None:
        for n in range(count):
            article = _article(agent, title=f"Receipts {n}", audiences=["everyone", "accounts"])
            change_article_status(article=article, actor=agent, status=ArticleStatus.IN_REVIEW)
            change_article_status(article=article, actor=manager, status=ArticleStatus.PUBLISHED)

    publish(2)
    client.get(f"/{side}/knowledge/")  # the session's first read
    with CaptureQueriesContext(connection) as few:
        client.get(f"/{side}/knowledge/", {"q": "print"})
    publish(12)
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"/{side}/knowledge/", {"q": "print"})
    assert page.content.decode().count("<mark>Print</mark>") == 14
    assert len(many.captured_queries) == len(few.captured_queries)

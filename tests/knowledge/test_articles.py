"""Knowledge articles: writing, revising with versions and diffs, the review life cycle,
related articles, sanitised rendering; through the services and the API."""

from dataclasses import replace
from io import BytesIO
from typing import Any

import pytest

from hypercare.accounts.choices import Role, WorkArea
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.knowledge.choices import ArticleEventKind, ArticleStatus, Audience, Visibility
from hypercare.knowledge.models import Article
from hypercare.knowledge.selectors import (
    ArticleFilters,
    article_list,
    article_versions,
    highlighted,
    version_diff,
)
from hypercare.knowledge.services import (
    ArticleContent,
    add_article_file,
    change_article_status,
    create_article,
    revise_article,
    set_related_articles,
)
from hypercare.lib.markdown import rendered_markdown
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from tests import factories
from tests.api.conftest import ApiClient
from tests.web.conftest import PNG

RECEIPT = ArticleContent(
    title="Fee receipt not generated",
    body="1. Open **Fees → Receipts**.\n2. Choose *Regenerate*.\n",
    module_code=ModuleCode.FEES,
    audiences=[Audience.ACCOUNTS],
    visibility=Visibility.ALL_INSTITUTIONS,
)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="meera")


def _published(writer: User, editor: User, content: ArticleContent = RECEIPT) -> Article:
    article = create_article(actor=writer, content=content)
    change_article_status(article=article, actor=writer, status=ArticleStatus.IN_REVIEW)
    return change_article_status(article=article, actor=editor, status=ArticleStatus.PUBLISHED)


def test_a_new_article_is_a_draft_with_its_first_version(agent: User) -> None:
    article = create_article(actor=agent, content=RECEIPT, note="From HC-000042")
    assert (article.status, article.version) == (ArticleStatus.DRAFT, 1)
    [version] = article_versions(article)
    assert (version.number, version.title, version.edited_by, version.note) == (
        1,
        RECEIPT.title,
        agent,
        "From HC-000042",
    )
    assert list(article.audiences.values_list("audience", flat=True)) == [Audience.ACCOUNTS]
    assert list(article.events.values_list("kind", flat=True)) == [ArticleEventKind.CREATED]


def test_a_revision_of_the_text_is_a_new_version_and_the_diff_shows_it(agent: User) -> None:
    article = create_article(actor=agent, content=RECEIPT)
    changed = ArticleContent(
        **{**RECEIPT.__dict__, "body": RECEIPT.body.replace("Regenerate", "Reprint")}
    )
    article = revise_article(article=article, actor=agent, content=changed, note="Renamed in 4.2")
    first, second = sorted(article_versions(article), key=lambda version: version.number)
    assert (article.version, second.note) == (2, "Renamed in 4.2")
    lines = version_diff(first, second)
    assert "-2. Choose *Regenerate*." in lines
    assert "+2. Choose *Reprint*." in lines
    assert lines[:2] == ["--- version 1", "+++ version 2"]


def test_changing_only_who_reads_it_keeps_the_version_but_records_the_edit(agent: User) -> None:
    article = create_article(actor=agent, content=RECEIPT)
    wider = ArticleContent(**{**RECEIPT.__dict__, "audiences": [Audience.EVERYONE]})
    revise_article(article=article, actor=agent, content=wider)
    assert article_versions(article).count() == 1
    assert list(article.audiences.values_list("audience", flat=True)) == [Audience.EVERYONE]
    assert article.events.filter(kind=ArticleEventKind.EDITED).count() == 1


def test_content_is_checked_field_by_field(agent: User, institution: Institution) -> None:
    bad = ArticleContent(
        title="",
        body="text",
        module_code="bakery",
        audiences=["everyone", "pilots"],
        visibility=Visibility.CHOSEN_INSTITUTIONS,
    )
    with pytest.raises(ValidationFailed) as refused:
        create_article(actor=agent, content=bad)
    assert set(refused.value.errors) == {"title", "module_code", "audiences", "institutions"}
    stray = ArticleContent(**{**RECEIPT.__dict__, "institutions": [institution]})
    with pytest.raises(ValidationFailed) as refused:
        create_article(actor=agent, content=stray)
    assert set(refused.value.errors) == {"institutions"}


def test_the_life_cycle_goes_through_review(agent: User, manager: User) -> None:
    article = create_article(actor=agent, content=RECEIPT)
    with pytest.raises(InvalidTransition):
        change_article_status(article=article, actor=manager, status=ArticleStatus.PUBLISHED)
    change_article_status(article=article, actor=agent, status=ArticleStatus.IN_REVIEW)
    change_article_status(article=article, actor=agent, status=ArticleStatus.DRAFT)
    change_article_status(article=article, actor=agent, status=ArticleStatus.IN_REVIEW)
    change_article_status(article=article, actor=manager, status=ArticleStatus.PUBLISHED)
    article.refresh_from_db()
    assert article.published_at is not None
    with pytest.raises(InvalidTransition):
        change_article_status(article=article, actor=agent, status=ArticleStatus.DRAFT)
    change_article_status(article=article, actor=manager, status=ArticleStatus.RETIRED)
    steps = article.events.filter(kind=ArticleEventKind.STATUS_CHANGED)
    assert [event.new_value for event in steps] == [
        ArticleStatus.IN_REVIEW,
        ArticleStatus.DRAFT,
        ArticleStatus.IN_REVIEW,
        ArticleStatus.PUBLISHED,
        ArticleStatus.RETIRED,
    ]


def test_only_knowledge_editors_publish_retire_or_revise_what_is_published(
    agent: User, tier2_agent: User, manager: User, requester: User
) -> None:
    article = create_article(actor=agent, content=RECEIPT)
    change_article_status(article=article, actor=agent, status=ArticleStatus.IN_REVIEW)
    for writer in (agent, tier2_agent):
        with pytest.raises(NotAllowed):
            change_article_status(article=article, actor=writer, status=ArticleStatus.PUBLISHED)
    with pytest.raises(NotAllowed):
        create_article(actor=requester, content=RECEIPT)
    change_article_status(article=article, actor=manager, status=ArticleStatus.PUBLISHED)
    with pytest.raises(NotAllowed):
        revise_article(article=article, actor=agent, content=RECEIPT)
    revise_article(article=article, actor=manager, content=RECEIPT)
    with pytest.raises(NotAllowed):
        change_article_status(article=article, actor=agent, status=ArticleStatus.RETIRED)


def test_a_retired_article_is_not_revised_until_it_is_a_draft_again(
    agent: User, manager: User
) -> None:
    article = _published(agent, manager)
    change_article_status(article=article, actor=manager, status=ArticleStatus.RETIRED)
    with pytest.raises(InvalidTransition):
        revise_article(article=article, actor=manager, content=RECEIPT)
    change_article_status(article=article, actor=agent, status=ArticleStatus.DRAFT)
    revise_article(article=article, actor=agent, content=RECEIPT)


def test_related_articles_hold_both_ways_and_never_the_article_itself(agent: User) -> None:
    receipt = create_article(actor=agent, content=RECEIPT)
    refund = create_article(
        actor=agent, content=ArticleContent(**{**RECEIPT.__dict__, "title": "Refunds"})
    )
    set_related_articles(article=receipt, actor=agent, related=[refund])
    assert list(refund.related.all()) == [receipt]
    with pytest.raises(ValidationFailed) as refused:
        set_related_articles(article=receipt, actor=agent, related=[receipt])
    assert set(refused.value.errors) == {"related"}


def test_rendering_keeps_markdown_and_drops_script() -> None:
    html = rendered_markdown(
        "**Bold** [docs](https://erp.example/help)\n\n<script>alert(1)</script>\n\n"
        "[click](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    assert "<strong>Bold</strong>" in html
    assert '<a href="https://erp.example/help"' in html
    assert "<script" not in html
    assert 'href="javascript' not in html
    assert "<img" not in html


# The API ----------------------------------------------------------------------------------

BODY: dict[str, Any] = {
    "title": "Fee receipt not generated",
    "body": "Open **Fees → Receipts**.\n\n<script>alert(1)</script>",
    "module": "fees",
    "audiences": ["accounts"],
    "visibility": "all",
}


def test_the_api_takes_an_article_from_draft_to_published(agent: User, manager: User) -> None:
    writer, editor = ApiClient(agent), ApiClient(manager)
    created = writer.post("/articles", BODY)
    assert created.status_code == 201, created.json()
    article = created.json()
    assert article["status"] == "draft"
    assert "<strong>Fees → Receipts</strong>" in article["html"]
    assert "<script" not in article["html"]
    path = f"/articles/{article['id']}"
    assert writer.post(f"{path}/publish").status_code == 403
    assert editor.post(f"{path}/publish").json()["code"] == "conflict"
    assert writer.post(f"{path}/submit").json()["status"] == "in_review"
    assert editor.post(f"{path}/publish").json()["status"] == "published"
    assert editor.post(f"{path}/submit").status_code == 409
    assert editor.post(f"{path}/retire").json()["status"] == "retired"
    assert editor.put(path, BODY).status_code == 409


def test_the_api_revises_and_shows_versions_and_their_diff(agent: User, requester: User) -> None:
    writer = ApiClient(agent)
    article_id = writer.post("/articles", BODY).json()["id"]
    revised = writer.put(
        f"/articles/{article_id}", {**BODY, "title": "Receipts", "note": "Shorter"}
    )
    assert revised.json()["version"] == 2
    versions = writer.get(f"/articles/{article_id}/versions").json()
    assert [(row["number"], row["note"]) for row in versions] == [(2, "Shorter"), (1, "")]
    diff = writer.get(f"/articles/{article_id}/diff", {"old": 1, "new": 2}).json()
    assert "-# Fee receipt not generated" in diff["lines"]
    assert "+# Receipts" in diff["lines"]
    assert writer.get(f"/articles/{article_id}/diff", {"old": 1, "new": 9}).status_code == 404


def test_the_api_names_the_fields_it_refuses(agent: User) -> None:
    answer = ApiClient(agent).post(
        "/articles", {**BODY, "visibility": "chosen", "institution_ids": [999_999]}
    )
    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == ["institution_ids"]
    answer = ApiClient(agent).post("/articles", {**BODY, "visibility": "chosen"})
    assert [error["field"] for error in answer.json()["errors"]] == ["institution_ids"]


def test_the_api_lists_with_filters_and_sets_related(agent: User) -> None:
    writer = ApiClient(agent)
    fees = writer.post("/articles", BODY).json()
    exams = writer.post(
        "/articles",
        {**BODY, "title": "Hall tickets", "module": "exams", "audiences": ["exam_cell"]},
    ).json()
    listed = writer.get("/articles", {"module": "exams"}).json()
    assert [row["id"] for row in listed["results"]] == [exams["id"]]
    listed = writer.get("/articles", {"audience": "accounts", "status": "draft"}).json()
    assert [row["id"] for row in listed["results"]] == [fees["id"]]
    assert writer.get("/articles", {"colour": "red"}).status_code == 422
    related = writer.put(f"/articles/{fees['id']}/related", {"article_ids": [exams["id"]]})
    assert related.json()["related"] == [{"id": exams["id"], "title": "Hall tickets"}]
    other_side = writer.get(f"/articles/{exams['id']}").json()
    assert other_side["related"] == [{"id": fees["id"], "title": fees["title"]}]


def test_every_work_area_is_an_audience() -> None:
    """A person's work area is the audience they read (``access.reader_audiences``)."""
    assert set(WorkArea.values) <= set(Audience.values)


# Token authentication (the token with its user, then the roles), the count, the page,
# then the page's audiences.
LIST_QUERIES = 2 + 3


def test_the_article_list_costs_the_same_queries_however_long(
    agent: User, manager: User, requester: User, django_assert_num_queries: Any
) -> None:
    for count, reader in ((3, agent), (6, requester)):
        api = ApiClient(reader)
        api.get("/articles")  # stamps the token's first use
        for n in range(3):
            content = replace(RECEIPT, title=f"Receipts {count}-{n}", audiences=["everyone"])
            _published(agent, manager, content)
        with django_assert_num_queries(LIST_QUERIES):
            assert api.get("/articles").json()["count"] == count


# Images and files -------------------------------------------------------------------------


def test_a_file_is_checked_like_a_ticket_attachment_and_recorded(agent: User) -> None:
    article = create_article(actor=agent, content=RECEIPT)
    added = add_article_file(article=article, actor=agent, name="steps.png", content=BytesIO(PNG))
    assert (added.content_type, added.size, added.uploaded_by) == ("image/png", len(PNG), agent)
    assert article.events.filter(kind=ArticleEventKind.FILE_ADDED, new_value="steps.png").exists()
    with pytest.raises(ValidationFailed) as refused:
        add_article_file(
            article=article, actor=agent, name="x.html", content=BytesIO(b"<script>1</script>")
        )
    assert set(refused.value.errors) == {"file"}
    assert article.files.count() == 1


def test_files_follow_who_may_revise_the_article(
    agent: User, manager: User, requester: User
) -> None:
    article = _published(agent, manager)
    with pytest.raises(NotAllowed):
        add_article_file(article=article, actor=agent, name="a.png", content=BytesIO(PNG))
    with pytest.raises(NotAllowed):
        add_article_file(article=article, actor=requester, name="a.png", content=BytesIO(PNG))
    add_article_file(article=article, actor=manager, name="a.png", content=BytesIO(PNG))
    change_article_status(article=article, actor=manager, status=ArticleStatus.RETIRED)
    with pytest.raises(InvalidTransition):
        add_article_file(article=article, actor=manager, name="b.png", content=BytesIO(PNG))
    assert [found.original_name for found in article.files.all()] == ["a.png"]


def test_the_api_uploads_a_file_and_serves_it_to_readers(agent: User) -> None:
    writer = ApiClient(agent)
    article = writer.post("/articles", BODY).json()
    uploaded = writer.upload(f"/articles/{article['id']}/files", "steps.png", PNG)
    assert uploaded.status_code == 201, uploaded.json()
    found = uploaded.json()
    assert writer.get(f"/articles/{article['id']}").json()["files"] == [found]
    served = writer.get(f"/articles/files/{found['id']}/content")
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PNG
    assert served["X-Content-Type-Options"] == "nosniff"
    refused = writer.upload(f"/articles/{article['id']}/files", "page.svg", b"<svg onload=1>")
    assert refused.status_code == 422


# Search -----------------------------------------------------------------------------------


def test_search_ranks_a_title_word_first_and_highlights_the_words_found(agent: User) -> None:
    in_text = create_article(
        actor=agent,
        content=replace(
            RECEIPT, title="Month-end closing", body="Check that every receipt is posted <b>."
        ),
    )
    in_title = create_article(actor=agent, content=RECEIPT)
    create_article(actor=agent, content=replace(RECEIPT, title="Hall tickets", body="Print."))
    found = list(article_list(agent, ArticleFilters(text="receipt")))
    assert [article.pk for article in found] == [in_title.pk, in_text.pk]
    html = str(highlighted(vars(found[1])["snippet"]))  # an annotation, unknown to mypy
    assert html.startswith("Check that every <mark>receipt</mark> is posted")
    assert "<b>" not in html  # escaped on SQLite; PostgreSQL's parser drops the tag


def test_search_finds_word_starts_and_ignores_accents_and_case(agent: User) -> None:
    article = create_article(
        actor=agent, content=replace(RECEIPT, body="Ask José in the Fee Section to regenerate.")
    )
    for text in ("jose", "REGEN", "fee sect"):
        assert [found.pk for found in article_list(agent, ArticleFilters(text=text))] == [
            article.pk
        ], text
    assert not article_list(agent, ArticleFilters(text="payroll")).exists()


def test_a_revised_text_is_searched_as_revised(agent: User) -> None:
    article = create_article(actor=agent, content=RECEIPT)
    revise_article(article=article, actor=agent, content=replace(RECEIPT, body="Use the kiosk."))
    assert not article_list(agent, ArticleFilters(text="regenerate")).exists()
    assert article_list(agent, ArticleFilters(text="kiosk")).get() == article


def test_the_api_searches_with_filters_and_snippets(agent: User) -> None:
    writer = ApiClient(agent)
    fees = writer.post("/articles", BODY).json()
    writer.post("/articles", {**BODY, "module": "exams", "audiences": ["exam_cell"]})
    hits = writer.get("/articles", {"q": "fees receipts", "module": "fees"}).json()
    assert [hit["id"] for hit in hits["results"]] == [fees["id"]]
    assert "<mark>Fees</mark>" in hits["results"][0]["snippet"]
    assert "<script>" not in hits["results"][0]["snippet"]
    assert writer.get("/articles", {"q": "receipts", "audience": "exam_cell"}).json()["count"] == 1
    assert writer.get("/articles").json()["results"][0]["snippet"] == ""

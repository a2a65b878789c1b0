"""Knowledge endpoints: training gaps (support staff) and articles (everyone, each
reading what ``access.article_scope`` lets them); thin adapters over the services."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.http import FileResponse, HttpRequest
from ninja import File, Query, Router, Status, UploadedFile

from hypercare import access
from hypercare.api.common import (
    DbId,
    Page,
    PageQuery,
    actor,
    errors,
    paginate,
    refuse_unknown_form,
    refuse_unknown_query,
)
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.knowledge import reading, selectors, services
from hypercare.knowledge.choices import ArticleStatus
from hypercare.knowledge.models import (
    Article,
    ArticleFile,
    ArticleVersion,
    ArticleVote,
    Deflection,
    TrainingGap,
)
from hypercare.knowledge.schemas import (
    ArticleDetailOut,
    ArticleDiffOut,
    ArticleFileOut,
    ArticleIn,
    ArticleOut,
    ArticleQuery,
    ArticleVersionOut,
    DeflectionIn,
    DeflectionOut,
    RelatedIn,
    SuggestionOut,
    SuggestionQuery,
    TrainingGapIn,
    TrainingGapOut,
    TrainingGapQuery,
    VoteIn,
    VoteOut,
)
from hypercare.orgs.models import Institution
from hypercare.tickets.api import NO_TICKET
from hypercare.tickets.selectors import get_visible_ticket_by_ref
from hypercare.tickets.services.attachments import attachment_path

router = Router(tags=["knowledge"])
LIST_PARAMETERS = {*TrainingGapQuery.model_fields, *PageQuery.model_fields}


@router.get(
    "/training-gaps",
    response={200: Page[TrainingGapOut], **errors(401, 422, forbidden=services.FLAG_REFUSED)},
)
def list_training_gaps(
    request: HttpRequest, query: Query[TrainingGapQuery], paging: Query[PageQuery]
) -> dict[str, object]:
    """The tickets flagged as training gaps, newest first (support staff)."""
    refuse_unknown_query(request, LIST_PARAMETERS)
    user = actor(request)
    if not access.can_flag_training_gaps(user):
        raise NotAllowed(services.FLAG_REFUSED)
    gaps = selectors.training_gaps(user, module_code=query.module or "", erp_role=query.erp_role)
    return paginate(gaps, paging)


@router.put(
    "/tickets/{ticket_ref}/training-gap",
    response={
        200: TrainingGapOut,
        **errors(401, 422, not_found=NO_TICKET, forbidden=services.FLAG_REFUSED),
    },
)
def flag(request: HttpRequest, ticket_ref: str, payload: TrainingGapIn) -> TrainingGap:
    """Flag the ticket as a training gap, or reword its flag."""
    user = actor(request)
    return services.flag_training_gap(
        ticket=get_visible_ticket_by_ref(user, ticket_ref),
        actor=user,
        topic=payload.topic,
        erp_role=payload.erp_role,
        module_code=payload.module or "",
        note=payload.note,
    )


@router.delete(
    "/tickets/{ticket_ref}/training-gap",
    response={204: None, **errors(401, not_found=NO_TICKET, forbidden=services.FLAG_REFUSED)},
)
def clear(request: HttpRequest, ticket_ref: str) -> Status[None]:
    user = actor(request)
    services.clear_training_gap(ticket=get_visible_ticket_by_ref(user, ticket_ref), actor=user)
    return Status(204, None)


ARTICLE_PARAMETERS = {*ArticleQuery.model_fields, *PageQuery.model_fields}
NO_ARTICLE = selectors.NO_ARTICLE
STEP_REFUSED = "The article's status does not allow that step (see the transition table)."
HISTORY_REFUSED = "Only support staff read an article's versions."


def _article(request: HttpRequest, article_id: int) -> Article:
    return selectors.get_visible_article(actor(request), article_id)


def _content(payload: ArticleIn) -> services.ArticleContent:
    """The payload as the service's content; institution ids that name nothing are refused."""
    wanted = set(payload.institution_ids)
    institutions = list(Institution.objects.filter(pk__in=wanted).order_by("name"))
    if len(institutions) != len(wanted):
        raise ValidationFailed({"institution_ids": "no such institution"})
    return services.ArticleContent(
        title=payload.title,
        body=payload.body,
        module_code=payload.module,
        audiences=list(payload.audiences),
        visibility=payload.visibility,
        institutions=institutions,
    )


@contextmanager
def _as_fields() -> Iterator[None]:
    """The service names fields as the model does; the API's names differ for two."""
    renamed = {"module_code": "module", "institutions": "institution_ids", "related": "article_ids"}
    try:
        yield
    except ValidationFailed as exc:
        raise ValidationFailed(
            {renamed.get(name, name): text for name, text in exc.errors.items()}
        ) from None


@router.get("/articles", response={200: Page[ArticleOut], **errors(401, 422)})
def list_articles(
    request: HttpRequest, query: Query[ArticleQuery], paging: Query[PageQuery]
) -> dict[str, object]:
    """The articles you may read, by title: every article for support staff; for an
    institution's people, the published ones for their institution and audience."""
    refuse_unknown_query(request, ARTICLE_PARAMETERS)
    filters = selectors.ArticleFilters(
        module_code=query.module or "",
        audience=query.audience or "",
        status=query.status or "",
        text=query.q,
    )
    return paginate(selectors.article_list(actor(request), filters), paging)


SUGGESTION_PARAMETERS = set(SuggestionQuery.model_fields)


@router.get("/articles/suggestions", response={200: list[SuggestionOut], **errors(401, 422)})
def suggestions(request: HttpRequest, query: Query[SuggestionQuery]) -> list[Article]:
    """Published articles you may read that may answer what you are reporting (`text`)
    about `module`, best first: what the portal's report form suggests as you type."""
    refuse_unknown_query(request, SUGGESTION_PARAMETERS)
    return selectors.suggested_articles(actor(request), query.module or "", query.text, query.limit)


@router.post(
    "/articles/{article_id}/deflections",
    response={201: DeflectionOut, **errors(401, 422, not_found=NO_ARTICLE)},
)
def deflect(request: HttpRequest, article_id: DbId, payload: DeflectionIn) -> Status[Deflection]:
    """The article solved your problem: the report you were writing is not filed."""
    recorded = reading.record_deflection(
        article=_article(request, article_id),
        actor=actor(request),
        module_code=payload.module or "",
        query=payload.query,
    )
    return Status(201, recorded)


@router.post(
    "/articles/{article_id}/votes",
    response={200: VoteOut, **errors(401, 422, not_found=NO_ARTICLE)},
)
def vote(request: HttpRequest, article_id: DbId, payload: VoteIn) -> ArticleVote:
    """Say whether the article helped you, with a comment if you like; voting again
    changes your vote."""
    return reading.vote_on_article(
        article=_article(request, article_id),
        actor=actor(request),
        helpful=payload.helpful,
        comment=payload.comment,
    )


@router.get(
    "/articles/{article_id}",
    response={200: ArticleDetailOut, **errors(401, 422, not_found=NO_ARTICLE)},
)
def get_article(request: HttpRequest, article_id: DbId) -> Article:
    """The article, its text as Markdown and as sanitised HTML, and its related articles."""
    return _article(request, article_id)


@router.post(
    "/articles",
    response={201: ArticleDetailOut, **errors(401, 422, forbidden=services.WRITE_REFUSED)},
)
def create_article(request: HttpRequest, payload: ArticleIn) -> Status[Article]:
    """Write a new draft (support staff); its first version."""
    user = actor(request)
    with _as_fields():
        article = services.create_article(actor=user, content=_content(payload), note=payload.note)
    return Status(201, _article(request, article.pk))


@router.put(
    "/articles/{article_id}",
    response={
        200: ArticleDetailOut,
        **errors(
            401,
            422,
            not_found=NO_ARTICLE,
            forbidden=services.EDITOR_REFUSED,
            conflict=services.RETIRED_UNCHANGED,
        ),
    },
)
def revise_article(request: HttpRequest, article_id: DbId, payload: ArticleIn) -> Article:
    """Save the whole content again; a new title or text is a new version."""
    article = _article(request, article_id)
    with _as_fields():
        services.revise_article(
            article=article, actor=actor(request), content=_content(payload), note=payload.note
        )
    return _article(request, article_id)


def _step(request: HttpRequest, article_id: int, status: str) -> Article:
    article = _article(request, article_id)
    services.change_article_status(article=article, actor=actor(request), status=status)
    return _article(request, article_id)


STEP_ANSWERS = {
    200: ArticleDetailOut,
    **errors(
        401, 422, not_found=NO_ARTICLE, forbidden=services.EDITOR_REFUSED, conflict=STEP_REFUSED
    ),
}


@router.post("/articles/{article_id}/submit", response=STEP_ANSWERS)
def submit_article(request: HttpRequest, article_id: DbId) -> Article:
    """Draft → in review (support staff)."""
    return _step(request, article_id, ArticleStatus.IN_REVIEW)


@router.post("/articles/{article_id}/return", response=STEP_ANSWERS)
def return_article(request: HttpRequest, article_id: DbId) -> Article:
    """In review or retired → draft (support staff): sent back for more work."""
    return _step(request, article_id, ArticleStatus.DRAFT)


@router.post("/articles/{article_id}/publish", response=STEP_ANSWERS)
def publish_article(request: HttpRequest, article_id: DbId) -> Article:
    """In review → published (knowledge editors: support managers)."""
    return _step(request, article_id, ArticleStatus.PUBLISHED)


@router.post("/articles/{article_id}/retire", response=STEP_ANSWERS)
def retire_article(request: HttpRequest, article_id: DbId) -> Article:
    """Published → retired (knowledge editors): institutions read it no more."""
    return _step(request, article_id, ArticleStatus.RETIRED)


@router.put(
    "/articles/{article_id}/related",
    response={
        200: ArticleDetailOut,
        **errors(401, 422, not_found=NO_ARTICLE, forbidden=services.WRITE_REFUSED),
    },
)
def set_related(request: HttpRequest, article_id: DbId, payload: RelatedIn) -> Article:
    """Replace the related articles; each also lists this one."""
    user = actor(request)
    article = _article(request, article_id)
    wanted = set(payload.article_ids)
    related = list(selectors.visible_articles(user).filter(pk__in=wanted))
    if len(related) != len(wanted):
        raise ValidationFailed({"article_ids": "no such article"})
    with _as_fields():
        services.set_related_articles(article=article, actor=user, related=related)
    return _article(request, article_id)


def _history_article(request: HttpRequest, article_id: int) -> Article:
    article = _article(request, article_id)
    if not access.can_write_articles(actor(request)):
        raise NotAllowed(HISTORY_REFUSED)
    return article


@router.get(
    "/articles/{article_id}/versions",
    response={
        200: list[ArticleVersionOut],
        **errors(401, 422, not_found=NO_ARTICLE, forbidden=HISTORY_REFUSED),
    },
)
def list_versions(request: HttpRequest, article_id: DbId) -> list[ArticleVersion]:
    """Every version, newest first, with who wrote it and why (support staff)."""
    return list(selectors.article_versions(_history_article(request, article_id)))


@router.get(
    "/articles/{article_id}/diff",
    response={
        200: ArticleDiffOut,
        **errors(
            401,
            422,
            not_found="No such article or version, or you may not read the article.",
            forbidden=HISTORY_REFUSED,
        ),
    },
)
def diff_versions(
    request: HttpRequest, article_id: DbId, old: DbId, new: DbId
) -> dict[str, object]:
    """What changed from version `old` to version `new` (support staff)."""
    article = _history_article(request, article_id)
    before = selectors.article_version(article, old)
    after = selectors.article_version(article, new)
    return {"old": old, "new": new, "lines": selectors.version_diff(before, after)}


@router.post(
    "/articles/{article_id}/files",
    response={
        201: ArticleFileOut,
        **errors(
            401,
            422,
            not_found=NO_ARTICLE,
            forbidden=services.EDITOR_REFUSED,
            conflict=services.RETIRED_UNCHANGED,
        ),
    },
)
def upload_file(
    request: HttpRequest, article_id: DbId, file: File[UploadedFile]
) -> Status[ArticleFile]:
    """An image or file for the article (multipart ``file``), checked as a ticket's
    attachment is; whoever may revise the article adds them."""
    refuse_unknown_form(request, ("file",))
    article = _article(request, article_id)
    added = services.add_article_file(
        article=article, actor=actor(request), name=file.name or "file", content=file
    )
    return Status(201, added)


@router.get(
    "/articles/files/{file_id}/content",
    response={200: None, **errors(401, 422, not_found=selectors.NO_FILE)},
)
def download_file(request: HttpRequest, file_id: DbId) -> FileResponse:
    """An article's file, for whoever reads the article; never run as a page."""
    found = selectors.get_visible_article_file(actor(request), file_id)
    response = FileResponse(
        attachment_path(found.storage_name).open("rb"),
        as_attachment=not found.is_image,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

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
from hypercare.knowledge import answers, reading, report, selectors, services, training_notes
from hypercare.knowledge.choices import ArticleStatus
from hypercare.knowledge.models import (
    Article,
    ArticleFile,
    ArticleVersion,
    ArticleVote,
    Deflection,
    TicketAnswer,
    TrainingGap,
    TrainingNoteDelivery,
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
    DeliveryOut,
    KnowledgeReportOut,
    KnowledgeReportQuery,
    RelatedIn,
    SentOut,
    SuggestionOut,
    SuggestionQuery,
    TicketAnswerIn,
    TicketAnswerOut,
    TrainingGapIn,
    TrainingGapOut,
    TrainingGapQuery,
    TrainingNoteIn,
    TrainingNoteSendIn,
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


@router.post(
    "/tickets/{ticket_ref}/article-draft",
    response={
        201: ArticleDetailOut,
        **errors(
            401,
            not_found=NO_TICKET,
            forbidden=services.WRITE_REFUSED,
            conflict="The ticket is not resolved or closed yet, or already has its article.",
        ),
    },
)
def draft_article(request: HttpRequest, ticket_ref: str) -> Status[Article]:
    """Draft an article from a resolved or closed ticket (support staff): Problem, Cause
    and Steps from its description, resolution note and the desk's public replies,
    without its people, their addresses and numbers, or its institution. Internal and
    for everyone until revised; 409 if the ticket is not resolved or already has one."""
    user = actor(request)
    ticket = get_visible_ticket_by_ref(user, ticket_ref)
    article = services.draft_article_from_ticket(ticket=ticket, actor=user)
    return Status(201, selectors.get_visible_article(user, article.pk))


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


# Answered by: the articles that answer a ticket -------------------------------------
NO_LINKABLE = "No such ticket or article, or you may not see it."


@router.get(
    "/tickets/{ticket_ref}/answers",
    response={200: list[TicketAnswerOut], **errors(401, not_found=NO_TICKET)},
)
def list_answers(request: HttpRequest, ticket_ref: str) -> list[TicketAnswer]:
    """The articles answering the ticket that you may read (a requester sees only the
    published ones written for them, never an internal one)."""
    user = actor(request)
    return list(selectors.ticket_answers(user, get_visible_ticket_by_ref(user, ticket_ref)))


@router.post(
    "/tickets/{ticket_ref}/answers",
    response={
        201: TicketAnswerOut,
        **errors(401, 422, not_found=NO_LINKABLE, forbidden=answers.LINK_REFUSED),
    },
)
def link_answer(
    request: HttpRequest, ticket_ref: str, payload: TicketAnswerIn
) -> Status[TicketAnswer]:
    """Link an article that answers the ticket (support staff); linking it again keeps
    the one link."""
    user = actor(request)
    ticket = get_visible_ticket_by_ref(user, ticket_ref)
    article = selectors.get_visible_article(user, payload.article_id)
    return Status(201, answers.link_answer(ticket=ticket, article=article, actor=user))


@router.delete(
    "/tickets/{ticket_ref}/answers/{article_id}",
    response={
        204: None,
        **errors(401, 422, not_found=NO_LINKABLE, forbidden=answers.LINK_REFUSED),
    },
)
def unlink_answer(request: HttpRequest, ticket_ref: str, article_id: DbId) -> Status[None]:
    """The article no longer answers the ticket (support staff)."""
    user = actor(request)
    ticket = get_visible_ticket_by_ref(user, ticket_ref)
    article = selectors.get_visible_article(user, article_id)
    answers.unlink_answer(ticket=ticket, article=article, actor=user)
    return Status(204, None)


# The knowledge report and training notes (support managers) ------------------------
REPORT_PARAMETERS = set(KnowledgeReportQuery.model_fields)


@router.get(
    "/knowledge/report",
    response={200: KnowledgeReportOut, **errors(401, 422, forbidden=report.REPORT_REFUSED)},
)
def knowledge_report(request: HttpRequest, query: Query[KnowledgeReportQuery]) -> dict[str, object]:
    """Articles most used to answer tickets, repeated questions answered without one,
    and training gaps by module and ERP role, in the period (support managers)."""
    refuse_unknown_query(request, REPORT_PARAMETERS)
    user = actor(request)
    if not access.can_read_knowledge_report(user):
        raise NotAllowed(report.REPORT_REFUSED)
    found = report.knowledge_report(user, report.period_of(query.since, query.until), query.repeats)
    return {
        "since": found.period.since,
        "until": found.period.until,
        "repeats": found.repeats,
        "most_used": [{"article": use.article, "uses": use.uses} for use in found.most_used],
        "write_this_one": [
            {
                "module": row.module_code,
                "category": row.category,
                "count": row.count,
                "examples": [ticket.reference for ticket in row.examples],
            }
            for row in found.write_this_one
        ],
        "training_gaps": [
            {
                "module": group.module_code,
                "erp_role": group.erp_role,
                "count": group.count,
                "institutions": group.institutions,
            }
            for group in found.gaps
        ],
    }


@router.post(
    "/training-notes",
    response={201: ArticleDetailOut, **errors(401, 422, forbidden=services.WRITE_REFUSED)},
)
def write_training_note(request: HttpRequest, payload: TrainingNoteIn) -> Status[Article]:
    """A draft training note written from the training gaps of one module and ERP role,
    for the institutions they came from (support staff); reviewed and published as any
    article before it is sent."""
    with _as_fields():
        note = training_notes.write_training_note(
            actor=actor(request), module_code=payload.module, erp_role=payload.erp_role
        )
    return Status(201, _article(request, note.pk))


@router.get(
    "/articles/{article_id}/deliveries",
    response={200: list[DeliveryOut], **errors(401, 422, not_found=NO_ARTICLE)},
)
def list_deliveries(request: HttpRequest, article_id: DbId) -> list[TrainingNoteDelivery]:
    """Who the training note was sent to: everyone for support staff; for an
    institution's person, only themselves."""
    user = actor(request)
    return list(selectors.training_note_deliveries(user, _article(request, article_id)))


@router.post(
    "/articles/{article_id}/deliveries",
    response={
        200: SentOut,
        **errors(
            401,
            422,
            not_found=NO_ARTICLE,
            forbidden=training_notes.SEND_REFUSED,
            conflict="Not a published training note visible to that institution.",
        ),
    },
)
def send_training_note(
    request: HttpRequest, article_id: DbId, payload: TrainingNoteSendIn
) -> training_notes.Sent:
    """Send the training note to the institution's active people of that ERP role, by
    mail; each person once (support managers)."""
    user = actor(request)
    article = _article(request, article_id)
    institution = Institution.objects.filter(pk=payload.institution_id).first()
    if institution is None:
        raise ValidationFailed({"institution_id": "no such institution"})
    return training_notes.send_training_note(
        article=article, institution=institution, erp_role=payload.erp_role, actor=user
    )

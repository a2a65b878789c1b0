"""Access-request endpoints: requests and their decisions, the ledger and its exports,
the periodic reviews. Thin adapters over the services and selectors; what a caller may
not see answers 404."""

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from hypercare.access_requests import export, selectors
from hypercare.access_requests.models import AccessRequest, AccessReview, LedgerEntry, ReviewLine
from hypercare.access_requests.schemas import (
    AccessRequestIn,
    AccessRequestOut,
    AccessRequestQuery,
    AccessReviewDetailOut,
    AccessReviewOut,
    DecisionIn,
    LedgerEntryOut,
    LedgerQuery,
    ReviewAnswerIn,
)
from hypercare.access_requests.services import requests, reviews
from hypercare.access_requests.services.requests import RequestDetails
from hypercare.accounts.models import User
from hypercare.api.common import (
    DbId,
    Page,
    PageQuery,
    actor,
    errors,
    paginate,
    refuse_unknown_query,
)
from hypercare.errors import NotFound, ValidationFailed
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import get_visible_ticket_by_ref

router = Router(tags=["access requests"])
NO_REQUEST = selectors.NO_REQUEST
NO_REVIEW = selectors.NO_REVIEW
REQUEST_PARAMETERS = {*AccessRequestQuery.model_fields, *PageQuery.model_fields}
LEDGER_PARAMETERS = {*LedgerQuery.model_fields, *PageQuery.model_fields}
EXPORT_PARAMETERS = set(LedgerQuery.model_fields)


def _request(request: HttpRequest, pk: int) -> AccessRequest:
    return selectors.get_visible_access_request(actor(request), pk)


@router.get(
    "/access-requests",
    response={200: Page[AccessRequestOut], **errors(401, 422)},
)
def list_access_requests(
    request: HttpRequest, query: Query[AccessRequestQuery], paging: Query[PageQuery]
) -> dict[str, object]:
    """The access requests you may see, newest first; `waiting_for_me=true` lists those
    waiting for your decision as your institution's approval owner, oldest first."""
    refuse_unknown_query(request, REQUEST_PARAMETERS)
    user = actor(request)
    if query.waiting_for_me:
        return paginate(selectors.awaiting_decision_of(user), paging)
    filters = selectors.RequestFilters(
        status=query.status or "", institution_id=query.institution_id
    )
    return paginate(selectors.access_request_list(user, filters), paging)


@router.get(
    "/access-requests/{request_id}",
    response={200: AccessRequestOut, **errors(401, 422, not_found=NO_REQUEST)},
)
def get_access_request(request: HttpRequest, request_id: DbId) -> AccessRequest:
    return _request(request, request_id)


def _details(ticket: Ticket, payload: AccessRequestIn, intake: RequestDetails) -> RequestDetails:
    """The payload's fields over the intake's answers; a person id naming no one of the
    ticket's institution is refused (422)."""
    given = payload.model_dump(exclude_unset=True, exclude={"ticket"})
    person = intake.person
    if given.get("person_id") is not None:
        person = User.objects.filter(pk=given["person_id"], institution=ticket.institution).first()
        if person is None:
            raise ValidationFailed({"person_id": f"no such person at {ticket.institution}"})
    elif "person_name" in given:
        person = None
    return RequestDetails(
        action=given.get("action") or intake.action,
        role=given.get("role") or intake.role,
        effective_on=given.get("effective_on") or intake.effective_on,
        person=person,
        person_name=given.get("person_name") or ("" if person else intake.person_name),
        erp_login=given.get("erp_login") or "",
        old_role=given.get("old_role") or "",
        ends_on=given.get("ends_on"),
    )


@router.post(
    "/access-requests",
    response={
        201: AccessRequestOut,
        **errors(
            401,
            403,
            422,
            forbidden="Only support staff record access requests.",
            conflict="The ticket is no access ticket, or has a live access request already.",
        ),
    },
)
def open_access_request(request: HttpRequest, payload: AccessRequestIn) -> Status[AccessRequest]:
    """Record an access ticket's request; the institution's approval owners are asked to
    decide it. Fields left out come from the ticket's intake answers."""
    user = actor(request)
    try:
        ticket = get_visible_ticket_by_ref(user, payload.ticket)
    except NotFound:
        raise ValidationFailed({"ticket": f"no such ticket: {payload.ticket}"}) from None
    intake = requests.details_from_intake(ticket, requests.today())
    created = requests.open_access_request(
        ticket=ticket, actor=user, details=_details(ticket, payload, intake)
    )
    return Status(201, _request(request, created.pk))


DECIDED = "The request is decided already."
DECISION_ANSWERS = {
    200: AccessRequestOut,
    **errors(
        401, 403, 422, not_found=NO_REQUEST, forbidden=requests.DECIDE_REFUSED, conflict=DECIDED
    ),
}


def _decide(request: HttpRequest, request_id: int, approve: bool, comment: str) -> AccessRequest:
    requests.decide_access_request(
        request=_request(request, request_id),
        actor=actor(request),
        approve=approve,
        comment=comment,
    )
    return _request(request, request_id)


@router.post("/access-requests/{request_id}/approve", response=DECISION_ANSWERS)
def approve_access_request(
    request: HttpRequest, request_id: DbId, payload: DecisionIn
) -> AccessRequest:
    """The institution's approval owner approves (never their own request)."""
    return _decide(request, request_id, True, payload.comment)


@router.post("/access-requests/{request_id}/reject", response=DECISION_ANSWERS)
def reject_access_request(
    request: HttpRequest, request_id: DbId, payload: DecisionIn
) -> AccessRequest:
    """The institution's approval owner rejects, saying why (422 without a comment)."""
    return _decide(request, request_id, False, payload.comment)


@router.post(
    "/access-requests/{request_id}/done",
    response={
        200: AccessRequestOut,
        **errors(
            401,
            403,
            422,
            not_found=NO_REQUEST,
            forbidden=requests.DONE_REFUSED,
            conflict="The request is not approved (or is done already).",
        ),
    },
)
def record_done(request: HttpRequest, request_id: DbId) -> AccessRequest:
    """A tier 1 or 2 agent made the approved change in the ERP; the institution's ledger
    gains its line."""
    requests.record_done_in_erp(request=_request(request, request_id), actor=actor(request))
    return _request(request, request_id)


def _ledger_entries(request: HttpRequest, query: LedgerQuery) -> QuerySet[LedgerEntry]:
    return selectors.ledger(
        actor(request),
        selectors.LedgerFilters(
            person=query.person,
            role=query.role,
            action=query.action or "",
            done_from=query.done_from,
            done_to=query.done_to,
            institution_id=query.institution_id,
        ),
    )


@router.get("/access-ledger", response={200: Page[LedgerEntryOut], **errors(401, 422)})
def list_ledger(
    request: HttpRequest, query: Query[LedgerQuery], paging: Query[PageQuery]
) -> dict[str, object]:
    """The access-change ledger, newest first: institution admins read their own
    institution's, support staff every institution's; anyone else an empty list."""
    refuse_unknown_query(request, LEDGER_PARAMETERS)
    return paginate(_ledger_entries(request, query), paging)


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/access-ledger/export.csv",
    response={200: None, **errors(401, 422)},
)
def export_ledger_csv(request: HttpRequest, query: Query[LedgerQuery]) -> HttpResponse:
    """The lines the filters keep, every one, as CSV (`text/csv`, UTF-8): a cell that
    starts with = + - @ is written with a leading apostrophe, so no spreadsheet runs it."""
    refuse_unknown_query(request, EXPORT_PARAMETERS)
    return _file(
        export.ledger_csv(_ledger_entries(request, query)), export.CSV, "access-ledger.csv"
    )


@router.get(
    "/access-ledger/export.xlsx",
    response={200: None, **errors(401, 422)},
)
def export_ledger_xlsx(request: HttpRequest, query: Query[LedgerQuery]) -> HttpResponse:
    """The lines the filters keep, every one, as an XLSX workbook."""
    refuse_unknown_query(request, EXPORT_PARAMETERS)
    return _file(
        export.ledger_xlsx(_ledger_entries(request, query)), export.XLSX, "access-ledger.xlsx"
    )


@router.get("/access-reviews", response={200: Page[AccessReviewOut], **errors(401, 422)})
def list_reviews(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, object]:
    """The periodic access reviews you may see (institution admins: their institution's;
    support staff: every one), newest first."""
    refuse_unknown_query(request, PageQuery.model_fields)
    return paginate(selectors.visible_reviews(actor(request)).order_by("-opened_at", "-pk"), paging)


@router.get(
    "/access-reviews/{review_id}",
    response={200: AccessReviewDetailOut, **errors(401, 422, not_found=NO_REVIEW)},
)
def get_review(request: HttpRequest, review_id: DbId) -> AccessReview:
    """The review with each person's roles as the ledger recorded them, and the answers."""
    return selectors.get_visible_review(actor(request), review_id)


@router.post(
    "/access-reviews/{review_id}/lines/{line_id}",
    response={
        200: AccessReviewDetailOut,
        **errors(
            401,
            403,
            422,
            not_found=NO_REVIEW,
            forbidden=reviews.ANSWER_REFUSED,
            conflict="The line has been answered already.",
        ),
    },
)
def answer_line(
    request: HttpRequest, review_id: DbId, line_id: DbId, payload: ReviewAnswerIn
) -> AccessReview:
    """Confirm a line, or flag it: a flagged line opens an access request to remove the
    role or change it to `new_role`. The last answer closes the review."""
    user = actor(request)
    review = selectors.get_visible_review(user, review_id)
    line = ReviewLine.objects.filter(review=review, pk=line_id).first()
    if line is None:
        raise NotFound(NO_REVIEW)
    reviews.answer_review_line(
        line=line,
        actor=user,
        answer=payload.answer,
        action=payload.action or "",
        new_role=payload.new_role,
        comment=payload.comment,
    )
    return selectors.get_visible_review(user, review_id)

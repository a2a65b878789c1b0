"""Product feedback endpoints: thin adapters over the feedback services and selectors."""

from django.http import HttpRequest
from ninja import Query, Router, Status

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
from hypercare.feedback import selectors, services
from hypercare.feedback.models import Idea
from hypercare.feedback.schemas import (
    IdeaCreateIn,
    IdeaDetailOut,
    IdeaEditIn,
    IdeaOut,
    IdeaQuery,
    IdeaStatusIn,
    MergeIn,
    TicketIn,
)
from hypercare.releases.models import Release
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import get_visible_ticket_by_ref

router = Router(tags=["feedback"])
LIST_PARAMETERS = {*IdeaQuery.model_fields, *PageQuery.model_fields}
MERGED = "The idea was merged into another one."
NO_IDEA = selectors.NO_IDEA


def _idea(request: HttpRequest, idea_id: int) -> Idea:
    return selectors.get_visible_idea(actor(request), idea_id)


def _ticket(request: HttpRequest, reference: str) -> Ticket:
    try:
        return get_visible_ticket_by_ref(actor(request), reference)
    except NotFound:
        raise ValidationFailed({"ticket": "no such ticket, or you may not see it"}) from None


@router.get("/ideas", response={200: Page[IdeaOut], **errors(401, 422)})
def list_ideas(
    request: HttpRequest, query: Query[IdeaQuery], paging: Query[PageQuery]
) -> dict[str, object]:
    """Product ideas, most votes first."""
    refuse_unknown_query(request, LIST_PARAMETERS)
    filters = selectors.IdeaFilters(
        text=query.q, status=query.status or "", module_code=query.module or ""
    )
    return paginate(selectors.idea_list(actor(request), filters), paging)


@router.post(
    "/ideas",
    response={201: IdeaDetailOut, **errors(401, 422, forbidden=services.RECORD_REFUSED)},
)
def create_idea(request: HttpRequest, payload: IdeaCreateIn) -> Status[Idea]:
    user = actor(request)
    ticket = _ticket(request, payload.ticket) if payload.ticket else None
    idea = services.create_idea(
        actor=user,
        title=payload.title,
        description=payload.description,
        module_code=payload.module,
        ticket=ticket,
    )
    return Status(201, selectors.get_visible_idea(user, idea.pk))


@router.get(
    "/ideas/{idea_id}", response={200: IdeaDetailOut, **errors(401, 422, not_found=NO_IDEA)}
)
def get_idea(request: HttpRequest, idea_id: DbId) -> Idea:
    return _idea(request, idea_id)


@router.put(
    "/ideas/{idea_id}",
    response={
        200: IdeaDetailOut,
        **errors(401, 422, not_found=NO_IDEA, forbidden=services.RECORD_REFUSED),
    },
)
def edit_idea(request: HttpRequest, idea_id: DbId, payload: IdeaEditIn) -> Idea:
    services.edit_idea(
        idea=_idea(request, idea_id),
        actor=actor(request),
        title=payload.title,
        description=payload.description,
        module_code=payload.module,
    )
    return _idea(request, idea_id)


@router.post(
    "/ideas/{idea_id}/status",
    response={
        200: IdeaDetailOut,
        **errors(
            401,
            422,
            not_found=NO_IDEA,
            forbidden=services.DECIDE_REFUSED,
            conflict=MERGED,
        ),
    },
)
def change_status(request: HttpRequest, idea_id: DbId, payload: IdeaStatusIn) -> Idea:
    """Plan it for a release, decline it with a reason, mark it shipped or under review;
    the requesters of its tickets are told."""
    release = None
    if payload.release_id is not None:
        release = Release.objects.filter(pk=payload.release_id).first()
        if release is None:
            raise ValidationFailed({"release_id": "no such release"})
    services.change_idea_status(
        idea=_idea(request, idea_id),
        actor=actor(request),
        status=payload.status,
        release=release,
        reason=payload.reason,
    )
    return _idea(request, idea_id)


@router.post(
    "/ideas/{idea_id}/tickets",
    response={
        200: IdeaDetailOut,
        **errors(
            401,
            422,
            not_found=NO_IDEA,
            forbidden=services.RECORD_REFUSED,
            conflict=MERGED,
        ),
    },
)
def link_ticket(request: HttpRequest, idea_id: DbId, payload: TicketIn) -> Idea:
    """Record an enhancement ticket as asking for the idea; its institution votes."""
    services.link_ticket(
        idea=_idea(request, idea_id), ticket=_ticket(request, payload.ticket), actor=actor(request)
    )
    return _idea(request, idea_id)


@router.post(
    "/ideas/{idea_id}/vote",
    response={
        200: IdeaOut,
        **errors(401, 422, not_found=NO_IDEA, forbidden=services.VOTE_REFUSED, conflict=MERGED),
    },
)
def vote(request: HttpRequest, idea_id: DbId) -> Idea:
    """Your institution asks for the idea (key users and institution admins)."""
    services.vote(idea=_idea(request, idea_id), actor=actor(request))
    return _idea(request, idea_id)


@router.delete(
    "/ideas/{idea_id}/vote",
    response={
        200: IdeaOut,
        **errors(401, 422, not_found=NO_IDEA, forbidden=services.VOTE_REFUSED),
    },
)
def withdraw_vote(request: HttpRequest, idea_id: DbId) -> Idea:
    services.withdraw_vote(idea=_idea(request, idea_id), actor=actor(request))
    return _idea(request, idea_id)


@router.post(
    "/ideas/{idea_id}/merge",
    response={
        200: IdeaDetailOut,
        **errors(
            401,
            422,
            not_found=NO_IDEA,
            forbidden=services.RECORD_REFUSED,
            conflict=MERGED,
        ),
    },
)
def merge(request: HttpRequest, idea_id: DbId, payload: MergeIn) -> Idea:
    """Merge this duplicate into another idea: its tickets and votes move there."""
    survivor = _idea(request, payload.survivor_id)
    services.merge_idea(duplicate=_idea(request, idea_id), survivor=survivor, actor=actor(request))
    return _idea(request, payload.survivor_id)

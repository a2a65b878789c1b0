"""Training-gap endpoints, for support staff: thin adapters over the knowledge services."""

from django.http import HttpRequest
from ninja import Query, Router, Status

from hypercare import access
from hypercare.api.common import Page, PageQuery, actor, errors, paginate, refuse_unknown_query
from hypercare.errors import NotAllowed
from hypercare.knowledge import selectors, services
from hypercare.knowledge.models import TrainingGap
from hypercare.knowledge.schemas import TrainingGapIn, TrainingGapOut, TrainingGapQuery
from hypercare.tickets.api import NO_TICKET
from hypercare.tickets.selectors import get_visible_ticket_by_ref

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

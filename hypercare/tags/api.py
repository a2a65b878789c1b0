"""Tag endpoints: thin adapters over the tag services and selectors. Tags are support
staff's: anyone else sees no tag, so every tag named in a path is unknown to them."""

from django.http import HttpRequest
from ninja import Router, Status

from hypercare.api.common import DbId, actor, errors
from hypercare.errors import NotFound, ValidationFailed
from hypercare.tags import selectors, services
from hypercare.tags.models import Tag
from hypercare.tags.schemas import MergeTagIn, TagIn, TagOut, TagUseOut
from hypercare.tickets.api import NO_TICKET
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import get_visible_ticket_by_ref

router = Router(tags=["tags"])
NO_TAG = "No such tag, or you may not see tags."
NO_TICKET_OR_TAG = "No such ticket or tag, or you may not see it."
STAFF_ONLY = "Only support staff tag tickets."
MANAGERS_ONLY = "Only support managers and system admins rename and merge tags."


def _ticket(request: HttpRequest, ticket_ref: str) -> Ticket:
    return get_visible_ticket_by_ref(actor(request), ticket_ref)


@router.get("/tags", response={200: list[TagUseOut], **errors(401)})
def list_tags(request: HttpRequest) -> list[Tag]:
    """Every tag with how many tickets carry it; empty for anyone but support staff."""
    return list(selectors.tags_in_use(actor(request)))


@router.get(
    "/tickets/{ticket_ref}/tags",
    response={200: list[TagOut], **errors(401, not_found=NO_TICKET)},
)
def ticket_tags(request: HttpRequest, ticket_ref: str) -> list[Tag]:
    """The ticket's tags; empty for anyone but support staff."""
    return selectors.ticket_tags(actor(request), _ticket(request, ticket_ref))


@router.post(
    "/tickets/{ticket_ref}/tags",
    response={201: TagOut, **errors(401, 422, not_found=NO_TICKET, forbidden=STAFF_ONLY)},
)
def add_tag(request: HttpRequest, ticket_ref: str, payload: TagIn) -> Status[Tag]:
    """Tag the ticket, making the tag if no tag has that name yet (support staff)."""
    user = actor(request)
    tag = services.add_tag(ticket=_ticket(request, ticket_ref), actor=user, name=payload.name)
    return Status(201, tag)


@router.delete(
    "/tickets/{ticket_ref}/tags/{tag_id}",
    response={204: None, **errors(401, 422, not_found=NO_TICKET_OR_TAG)},
)
def remove_tag(request: HttpRequest, ticket_ref: str, tag_id: DbId) -> Status[None]:
    """Take the tag off the ticket (support staff); the tag stays for other tickets."""
    user = actor(request)
    ticket = _ticket(request, ticket_ref)
    services.remove_tag(ticket=ticket, actor=user, tag=selectors.get_visible_tag(user, tag_id))
    return Status(204, None)


@router.patch(
    "/tags/{tag_id}",
    response={200: TagOut, **errors(401, 422, not_found=NO_TAG, forbidden=MANAGERS_ONLY)},
)
def rename_tag(request: HttpRequest, tag_id: DbId, payload: TagIn) -> Tag:
    """Rename the tag on every ticket; 422 when another tag has the name (merge them)."""
    user = actor(request)
    tag = selectors.get_visible_tag(user, tag_id)
    return services.rename_tag(tag=tag, actor=user, name=payload.name)


@router.post(
    "/tags/{tag_id}/merge",
    response={200: TagOut, **errors(401, 422, not_found=NO_TAG, forbidden=MANAGERS_ONLY)},
)
def merge_tag(request: HttpRequest, tag_id: DbId, payload: MergeTagIn) -> Tag:
    """Every ticket carrying this tag carries ``into`` instead, and this tag goes.
    Answers ``into``."""
    user = actor(request)
    tag = selectors.get_visible_tag(user, tag_id)
    try:
        into = selectors.get_visible_tag(user, payload.into)
    except NotFound:
        raise ValidationFailed({"into": "no such tag"}) from None
    return services.merge_tags(tag=tag, into=into, actor=user)

"""Link endpoints: thin adapters over the link services and selectors."""

from django.http import HttpRequest
from ninja import Router, Status

from hypercare.accounts.models import User
from hypercare.api.common import DbId, actor, errors
from hypercare.errors import NotFound, ValidationFailed
from hypercare.links import selectors, services
from hypercare.links.schemas import LinkIn, LinkOut, MergeIn, SplitIn
from hypercare.tickets.api import NO_TICKET
from hypercare.tickets.models import Ticket, TicketEvent
from hypercare.tickets.schemas import TicketOut
from hypercare.tickets.selectors import get_visible_ticket_by_ref

router = Router(tags=["links"])
STAFF_ONLY = "Only support staff link, merge and split tickets."
NO_LINK = "No such ticket or link, or you may not see it."


def _ticket(request: HttpRequest, ticket_ref: str) -> Ticket:
    return get_visible_ticket_by_ref(actor(request), ticket_ref)


def named_ticket(user: User, field: str, name: str) -> Ticket:
    """The ticket a request body names; one the user may not see is a field's error,
    worded as for one that does not exist."""
    try:
        return get_visible_ticket_by_ref(user, name)
    except NotFound:
        raise ValidationFailed({field: "no such ticket, or you may not see it"}) from None


@router.get(
    "/tickets/{ticket_ref}/links",
    response={200: list[LinkOut], **errors(401, not_found=NO_TICKET)},
)
def list_links(request: HttpRequest, ticket_ref: str) -> list[selectors.LinkView]:
    """The ticket's links whose other ticket you may see too; others are left out."""
    return selectors.ticket_links(actor(request), _ticket(request, ticket_ref))


@router.post(
    "/tickets/{ticket_ref}/links",
    response={
        201: LinkOut,
        **errors(401, 422, not_found=NO_TICKET, forbidden=STAFF_ONLY),
    },
)
def add_link(request: HttpRequest, ticket_ref: str, payload: LinkIn) -> Status[selectors.LinkView]:
    """Link the ticket to another one you may see (support staff). 422 when the other
    ticket is unknown or unseen, is this one, or is linked to it already."""
    user = actor(request)
    ticket = _ticket(request, ticket_ref)
    other = named_ticket(user, "ticket", payload.ticket)
    link = services.link_tickets(ticket=ticket, other=other, kind=payload.kind, actor=user)
    [view] = [view for view in selectors.ticket_links(user, ticket) if view.link.pk == link.pk]
    return Status(201, view)


@router.delete(
    "/tickets/{ticket_ref}/links/{link_id}",
    response={
        204: None,
        **errors(
            401,
            422,
            not_found=NO_LINK,
            forbidden=STAFF_ONLY,
            conflict="The link is a merge's, which stays.",
        ),
    },
)
def remove_link(request: HttpRequest, ticket_ref: str, link_id: DbId) -> Status[None]:
    user = actor(request)
    link = selectors.get_visible_link(user, _ticket(request, ticket_ref), link_id)
    services.unlink_tickets(link=link, actor=user)
    return Status(204, None)


@router.post(
    "/tickets/{ticket_ref}/merge",
    response={
        200: TicketOut,
        **errors(
            401,
            422,
            not_found=NO_TICKET,
            forbidden=STAFF_ONLY,
            conflict="One of the two tickets is closed.",
        ),
    },
)
def merge(request: HttpRequest, ticket_ref: str, payload: MergeIn) -> Ticket:
    """Merge this ticket, a duplicate, into ``survivor`` of the same institution: its
    requester follows the survivor, this ticket closes, and replies to it go there.
    Answers the survivor."""
    user = actor(request)
    duplicate = _ticket(request, ticket_ref)
    survivor = named_ticket(user, "survivor", payload.survivor)
    services.merge_tickets(
        duplicate=duplicate, survivor=survivor, actor=user, reason=payload.reason
    )
    return get_visible_ticket_by_ref(user, str(survivor.pk))


@router.post(
    "/tickets/{ticket_ref}/split",
    response={
        201: TicketOut,
        **errors(401, 422, not_found="No such ticket or message.", forbidden=STAFF_ONLY),
    },
)
def split(request: HttpRequest, ticket_ref: str, payload: SplitIn) -> Status[Ticket]:
    """A new ticket made from one public reply of this one, linked to it as related."""
    user = actor(request)
    ticket = _ticket(request, ticket_ref)
    event = TicketEvent.objects.filter(pk=payload.event_id, ticket=ticket).first()
    if event is None:
        raise NotFound("No such message on this ticket.")
    new = services.split_ticket(ticket=ticket, event=event, actor=user, title=payload.title)
    return Status(201, get_visible_ticket_by_ref(user, str(new.pk)))

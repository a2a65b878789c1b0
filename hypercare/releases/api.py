"""Release endpoints, and planning a ticket for a release: adapters over the services."""

from django.http import HttpRequest
from ninja import Query, Router, Status

from hypercare.api.common import DbId, Page, PageQuery, actor, paginate, refuse_unknown_query
from hypercare.errors import ValidationFailed
from hypercare.releases import selectors, services
from hypercare.releases.models import Release
from hypercare.releases.schemas import (
    ReleaseCreateIn,
    ReleaseDetailOut,
    ReleaseOut,
    TicketReleaseIn,
)
from hypercare.tickets.models import Ticket
from hypercare.tickets.schemas import TicketOut
from hypercare.tickets.selectors import get_visible_ticket_by_ref

router = Router(tags=["releases"])


def _ticket(request: HttpRequest, ticket_ref: str) -> Ticket:
    return get_visible_ticket_by_ref(actor(request), ticket_ref)


@router.get("/releases", response=Page[ReleaseOut])
def list_releases(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, object]:
    """Every release, newest first: the product is the same for every institution."""
    refuse_unknown_query(request, PageQuery.model_fields)
    return paginate(selectors.visible_releases(actor(request)), paging)


@router.get("/releases/{release_id}", response=ReleaseDetailOut)
def get_release(request: HttpRequest, release_id: DbId) -> Release:
    return selectors.get_visible_release(actor(request), release_id)


@router.post("/releases", response={201: ReleaseDetailOut})
def create_release(request: HttpRequest, payload: ReleaseCreateIn) -> Status[Release]:
    """A new release (support managers and system admins)."""
    user = actor(request)
    release = services.create_release(actor=user, **payload.model_dump())
    return Status(201, selectors.get_visible_release(user, release.pk))


@router.post("/releases/{release_id}/ship", response=ReleaseDetailOut)
def ship_release(request: HttpRequest, release_id: DbId) -> Release:
    """Ship it now: its tickets' next-release targets are met and their requesters told.
    409 when it has already shipped."""
    user = actor(request)
    services.ship_release(release=selectors.get_visible_release(user, release_id), actor=user)
    return selectors.get_visible_release(user, release_id)


@router.put("/tickets/{ticket_ref}/release", response=TicketOut)
def set_ticket_release(request: HttpRequest, ticket_ref: str, payload: TicketReleaseIn) -> Ticket:
    """Plan the ticket's fix for a release not shipped yet, or take it off (support staff)."""
    ticket = _ticket(request, ticket_ref)
    release = None
    if payload.release_id is not None:
        release = Release.objects.filter(pk=payload.release_id).first()
        if release is None:
            raise ValidationFailed({"release_id": "no such release"})
    services.plan_for_release(ticket=ticket, actor=actor(request), release=release)
    return _ticket(request, ticket_ref)

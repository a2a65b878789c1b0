"""Release endpoints, and planning a ticket for a release: adapters over the services."""

from django.http import HttpRequest
from ninja import Query, Router, Status

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
from hypercare.releases import selectors, services
from hypercare.releases.models import Release, ReleaseNoteItem
from hypercare.releases.schemas import (
    NoteItemIn,
    NoteItemOut,
    ReleaseCreateIn,
    ReleaseDetailOut,
    ReleaseNotesIn,
    ReleaseNotesOut,
    ReleaseOut,
    TicketReleaseIn,
)
from hypercare.tickets.api import NO_TICKET
from hypercare.tickets.models import Ticket
from hypercare.tickets.schemas import TicketOut
from hypercare.tickets.selectors import get_visible_ticket_by_ref

router = Router(tags=["releases"])
NO_RELEASE = "No such release."
MANAGERS_ONLY = "Only support managers and system admins create and ship releases."
NOTES_MANAGERS_ONLY = "Only support managers and system admins word release notes."
NOTES_FINAL = "The release has shipped: its notes are final."
NO_ITEM = "No such release note item."


def _ticket(request: HttpRequest, ticket_ref: str) -> Ticket:
    return get_visible_ticket_by_ref(actor(request), ticket_ref)


@router.get("/releases", response={200: Page[ReleaseOut], **errors(401, 422)})
def list_releases(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, object]:
    """Every release, newest first: the product is the same for every institution."""
    refuse_unknown_query(request, PageQuery.model_fields)
    return paginate(selectors.visible_releases(actor(request)), paging)


@router.get(
    "/releases/{release_id}",
    response={200: ReleaseDetailOut, **errors(401, 422, not_found=NO_RELEASE)},
)
def get_release(request: HttpRequest, release_id: DbId) -> Release:
    return selectors.get_visible_release(actor(request), release_id)


@router.post(
    "/releases", response={201: ReleaseDetailOut, **errors(401, 422, forbidden=MANAGERS_ONLY)}
)
def create_release(request: HttpRequest, payload: ReleaseCreateIn) -> Status[Release]:
    """A new release (support managers and system admins)."""
    user = actor(request)
    release = services.create_release(actor=user, **payload.model_dump())
    return Status(201, selectors.get_visible_release(user, release.pk))


@router.post(
    "/releases/{release_id}/ship",
    response={
        200: ReleaseDetailOut,
        **errors(
            401,
            422,
            not_found=NO_RELEASE,
            forbidden=MANAGERS_ONLY,
            conflict="The release has already shipped, or a shipping step refuses it (a "
            "change request on it is not implemented).",
        ),
    },
)
def ship_release(request: HttpRequest, release_id: DbId) -> Release:
    """Ship it now: its tickets' next-release targets are met and their requesters told.
    409 when it has already shipped, or a change request planned for it is not
    implemented."""
    user = actor(request)
    services.ship_release(release=selectors.get_visible_release(user, release_id), actor=user)
    return selectors.get_visible_release(user, release_id)


def _notes(user: User, release_id: int) -> dict[str, object]:
    release = selectors.get_visible_release(user, release_id)
    return {
        "release_id": release.pk,
        "version": release.version,
        "shipped_at": release.shipped_at,
        "notes": release.notes,
        "compiled_at": release.notes_compiled_at,
        "groups": selectors.notes_for(user, release),
    }


@router.get(
    "/releases/{release_id}/notes",
    response={200: ReleaseNotesOut, **errors(401, 422, not_found=NO_RELEASE)},
)
def get_release_notes(request: HttpRequest, release_id: DbId) -> dict[str, object]:
    """The release notes as the caller may read them: the general notes, and the items
    by module (an institution's people read only those concerning their institution)."""
    return _notes(actor(request), release_id)


@router.put(
    "/releases/{release_id}/notes",
    response={
        200: ReleaseNotesOut,
        **errors(
            401, 422, not_found=NO_RELEASE, forbidden=NOTES_MANAGERS_ONLY, conflict=NOTES_FINAL
        ),
    },
)
def edit_release_notes(
    request: HttpRequest, release_id: DbId, payload: ReleaseNotesIn
) -> dict[str, object]:
    """Word the general notes before the release ships."""
    user = actor(request)
    release = selectors.get_visible_release(user, release_id)
    services.edit_release_notes(release=release, actor=user, notes=payload.notes)
    return _notes(user, release_id)


@router.post(
    "/releases/{release_id}/notes/compile",
    response={
        200: ReleaseNotesOut,
        **errors(
            401, 422, not_found=NO_RELEASE, forbidden=NOTES_MANAGERS_ONLY, conflict=NOTES_FINAL
        ),
    },
)
def compile_release_notes(request: HttpRequest, release_id: DbId) -> dict[str, object]:
    """Compile the items again from what the release resolves; the general notes and the
    items' wording stay."""
    user = actor(request)
    release = selectors.get_visible_release(user, release_id)
    services.compile_release_notes(release=release, actor=user)
    return _notes(user, release_id)


@router.put(
    "/releases/{release_id}/notes/items/{item_id}",
    response={
        200: NoteItemOut,
        **errors(401, 422, not_found=NO_ITEM, forbidden=NOTES_MANAGERS_ONLY, conflict=NOTES_FINAL),
    },
)
def edit_note_item(
    request: HttpRequest, release_id: DbId, item_id: DbId, payload: NoteItemIn
) -> ReleaseNoteItem:
    """Word one item before the release ships; compiling again keeps the wording."""
    user = actor(request)
    item = selectors.get_visible_note_item(user, item_id)
    if item.release_id != release_id:
        raise NotFound(NO_ITEM)
    return services.edit_note_item(item=item, actor=user, text=payload.text)


@router.put(
    "/tickets/{ticket_ref}/release",
    response={
        200: TicketOut,
        **errors(
            401,
            422,
            not_found=NO_TICKET,
            forbidden="Only support staff plan tickets for releases.",
            conflict="The release has shipped, or the ticket's release has.",
        ),
    },
)
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

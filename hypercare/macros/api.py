"""Macro endpoints: thin adapters over the macro services and selectors. Macros are
support staff's: anyone else lists none, and every macro named in a path is unknown."""

from django.http import HttpRequest
from ninja import Router, Status

from hypercare import access
from hypercare.api.common import DbId, actor, errors
from hypercare.errors import NotFound, ValidationFailed
from hypercare.macros import selectors, services
from hypercare.macros.models import Macro
from hypercare.macros.schemas import AppliedOut, MacroIn, MacroOut
from hypercare.orgs.models import Team
from hypercare.tickets.models import SavedReply
from hypercare.tickets.selectors import get_usable_saved_reply, get_visible_ticket_by_ref
from hypercare.tickets.services.common import require

router = Router(tags=["macros"])
NO_MACRO = "No such macro, or you may not see macros."
NO_TICKET_OR_MACRO = "No such ticket or macro, or you may not see it."
MANAGERS_ONLY = "Only support managers and system admins keep macros."
REFUSED_STEP = "A step of the macro was refused (the message names it); nothing was applied."


@router.get("/macros", response={200: list[MacroOut], **errors(401)})
def list_macros(request: HttpRequest) -> list[Macro]:
    """Every macro; empty for anyone but support staff."""
    return list(selectors.visible_macros(actor(request)))


@router.post(
    "/macros",
    response={201: MacroOut, **errors(401, 422, forbidden=MANAGERS_ONLY)},
)
def create_macro(request: HttpRequest, payload: MacroIn) -> Status[Macro]:
    """A new macro (support managers and system admins)."""
    user = actor(request)
    macro = services.create_macro(actor=user, steps=_steps(request, payload))
    return Status(201, macro)


@router.put(
    "/macros/{macro_id}",
    response={200: MacroOut, **errors(401, 422, not_found=NO_MACRO, forbidden=MANAGERS_ONLY)},
)
def update_macro(request: HttpRequest, macro_id: DbId, payload: MacroIn) -> Macro:
    """Replace every step of the macro (support managers and system admins)."""
    user = actor(request)
    macro = selectors.get_visible_macro(user, macro_id)
    return services.update_macro(actor=user, macro=macro, steps=_steps(request, payload))


@router.delete(
    "/macros/{macro_id}",
    response={204: None, **errors(401, 422, not_found=NO_MACRO, forbidden=MANAGERS_ONLY)},
)
def delete_macro(request: HttpRequest, macro_id: DbId) -> Status[None]:
    user = actor(request)
    services.delete_macro(actor=user, macro=selectors.get_visible_macro(user, macro_id))
    return Status(204, None)


@router.post(
    "/tickets/{ticket_ref}/macros/{macro_id}/apply",
    response={
        200: AppliedOut,
        **errors(401, 409, 422, not_found=NO_TICKET_OR_MACRO, forbidden=REFUSED_STEP),
    },
)
def apply_macro(request: HttpRequest, ticket_ref: str, macro_id: DbId) -> AppliedOut:
    """Apply every step of the macro in one transaction; a refused step (its name leads
    the message, or is the field of a 422) applies none of them."""
    user = actor(request)
    ticket = get_visible_ticket_by_ref(user, ticket_ref)
    macro = selectors.get_visible_macro(user, macro_id)
    done = services.apply_macro(ticket=ticket, actor=user, macro=macro)
    return AppliedOut(macro=macro.name, done=done)


def _steps(request: HttpRequest, payload: MacroIn) -> services.MacroSteps:
    user = actor(request)
    # Refused before the ids are looked up, so nobody else learns which exist.
    require(access.can_manage_macros(user), services.MANAGE_REFUSED)
    team = None
    if payload.team_id is not None:
        team = Team.objects.filter(pk=payload.team_id).first()
        if team is None:
            raise ValidationFailed({"team_id": "no such team"})
    reply: SavedReply | None = None
    if payload.saved_reply_id is not None:
        try:
            reply = get_usable_saved_reply(user, payload.saved_reply_id)
        except NotFound:
            raise ValidationFailed({"saved_reply_id": "no such saved reply"}) from None
    return services.MacroSteps(
        name=payload.name,
        description=payload.description,
        status=payload.status,
        priority=payload.priority,
        team=team,
        tags_to_add=payload.tags_to_add,
        tags_to_remove=payload.tags_to_remove,
        saved_reply=reply,
        note=payload.note,
    )

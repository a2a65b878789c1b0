"""Major incident endpoints: thin adapters over the services, scoped by the selectors."""

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
from hypercare.errors import ValidationFailed
from hypercare.incidents import selectors, services
from hypercare.incidents.models import MajorIncident
from hypercare.incidents.schemas import (
    ChildIn,
    ChildrenIn,
    ChildrenOut,
    DeclareIn,
    IncidentOut,
    IncidentQuery,
    IncidentSummaryOut,
    ResolutionIn,
    ResolutionOut,
    ResolveByIn,
    UpdateIn,
)
from hypercare.orgs.selectors import visible_institutions
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import get_visible_ticket_by_ref, named_tickets

router = Router(tags=["incidents"])

LIST_PARAMETERS = {*IncidentQuery.model_fields, *PageQuery.model_fields}
NO_INCIDENT = "No such major incident, or you may not see it."
NO_INCIDENT_OR_TICKET = "No such major incident or ticket, or you may not see it."
RESOLVED = "The major incident is resolved."
HANDLING_ERRORS = errors(
    401, 422, not_found=NO_INCIDENT, forbidden=services.HANDLERS_ONLY, conflict=RESOLVED
)


def _incident(request: HttpRequest, incident_id: int) -> MajorIncident:
    return selectors.get_visible_incident(actor(request), incident_id)


def _refusals(refused: list[tuple[Ticket, str]]) -> list[dict[str, str]]:
    return [{"ticket": ticket.reference, "message": message} for ticket, message in refused]


@router.get("/incidents", response={200: Page[IncidentSummaryOut], **errors(401, 422)})
def list_incidents(
    request: HttpRequest, filters: Query[IncidentQuery], paging: Query[PageQuery]
) -> dict[str, object]:
    """The major incidents the caller may see (an institution's: those affecting it);
    active ones unless asked otherwise."""
    refuse_unknown_query(request, LIST_PARAMETERS)
    incidents = selectors.visible_incidents(actor(request))
    if filters.state != "all":
        incidents = incidents.filter(status=filters.state)
    return paginate(incidents, paging)


@router.get(
    "/incidents/{incident_id}",
    response={200: IncidentOut, **errors(401, 422, not_found=NO_INCIDENT)},
)
def get_incident(request: HttpRequest, incident_id: DbId) -> MajorIncident:
    """The incident with the affected institutions and the children the caller may see."""
    return _incident(request, incident_id)


@router.post(
    "/incidents",
    response={
        201: IncidentOut,
        **errors(
            401,
            422,
            forbidden=services.HANDLERS_ONLY,
            conflict=(
                "The ticket it is declared from is closed or already a child of another incident."
            ),
        ),
    },
)
def declare_incident(request: HttpRequest, payload: DeclareIn) -> Status[MajorIncident]:
    """Declare a major incident, new or from a ticket (its first child)."""
    user = actor(request)
    institutions = list(visible_institutions(user).filter(pk__in=payload.institutions))
    if len(institutions) != len(set(payload.institutions)):
        raise ValidationFailed({"institutions": "no such institution"})
    from_ticket = None
    if payload.from_ticket is not None:
        [from_ticket] = named_tickets(actor(request), "from_ticket", [payload.from_ticket])
    incident = services.declare_major_incident(
        actor=user,
        declaration=services.Declaration(
            title=payload.title,
            module_code=payload.module_code,
            integration_kind=payload.integration_kind or "",
            impact=payload.impact,
            institutions=institutions,
            started_at=payload.started_at,
            update_every_hours=payload.update_every_hours,
            resolve_by=payload.resolve_by,
        ),
        from_ticket=from_ticket,
    )
    return Status(201, _incident(request, incident.pk))


@router.post(
    "/incidents/{incident_id}/children",
    response={
        201: IncidentOut,
        **errors(
            401,
            422,
            not_found=NO_INCIDENT,
            forbidden=services.HANDLERS_ONLY,
            conflict="The incident is resolved, or the ticket is closed or already a child.",
        ),
    },
)
def attach_child(
    request: HttpRequest, incident_id: DbId, payload: ChildIn
) -> Status[MajorIncident]:
    incident = _incident(request, incident_id)
    [ticket] = named_tickets(actor(request), "ticket", [payload.ticket])
    services.attach_child(incident=incident, ticket=ticket, actor=actor(request))
    return Status(201, _incident(request, incident_id))


@router.post(
    "/incidents/{incident_id}/children/bulk",
    response={200: ChildrenOut, **HANDLING_ERRORS},
)
def attach_children(
    request: HttpRequest, incident_id: DbId, payload: ChildrenIn
) -> dict[str, object]:
    """Attach many at once: each ticket on its own, refusals listed with their reason."""
    incident = _incident(request, incident_id)
    tickets = named_tickets(actor(request), "tickets", payload.tickets)
    outcome = services.attach_children(incident=incident, tickets=tickets, actor=actor(request))
    return {"attached": outcome.changed, "refused": _refusals(outcome.refused)}


@router.delete(
    "/incidents/{incident_id}/children/{ticket_ref}",
    response={
        200: IncidentOut,
        **errors(
            401,
            422,
            not_found=NO_INCIDENT_OR_TICKET,
            forbidden=services.HANDLERS_ONLY,
            conflict="The incident is resolved, or the ticket is not its child.",
        ),
    },
)
def detach_child(request: HttpRequest, incident_id: DbId, ticket_ref: str) -> MajorIncident:
    incident = _incident(request, incident_id)
    ticket = get_visible_ticket_by_ref(actor(request), ticket_ref)
    services.detach_child(incident=incident, ticket=ticket, actor=actor(request))
    return _incident(request, incident_id)


@router.post(
    "/incidents/{incident_id}/updates",
    response={201: IncidentOut, **HANDLING_ERRORS},
)
def post_update(
    request: HttpRequest, incident_id: DbId, payload: UpdateIn
) -> Status[MajorIncident]:
    """One public update to every child's requester and every affected institution's
    admins, each told only of their own tickets; the next update falls due."""
    services.post_incident_update(
        incident=_incident(request, incident_id), actor=actor(request), body=payload.body
    )
    return Status(201, _incident(request, incident_id))


@router.post(
    "/incidents/{incident_id}/resolution",
    response={200: ResolutionOut, **HANDLING_ERRORS},
)
def resolve_incident(
    request: HttpRequest, incident_id: DbId, payload: ResolutionIn
) -> dict[str, object]:
    """Resolve the incident and, with the note, each open child; refusals are listed."""
    outcome = services.resolve_major_incident(
        incident=_incident(request, incident_id),
        actor=actor(request),
        resolution=payload.resolution,
    )
    return {
        "incident": _incident(request, incident_id),
        "resolved": outcome.changed,
        "refused": _refusals(outcome.refused),
    }


@router.post(
    "/incidents/{incident_id}/resolve-by",
    response={200: IncidentOut, **HANDLING_ERRORS},
)
def change_resolve_by(
    request: HttpRequest, incident_id: DbId, payload: ResolveByIn
) -> MajorIncident:
    """Move the resolution target, with the reason (on the incident's timeline)."""
    services.change_resolve_by(
        incident=_incident(request, incident_id),
        actor=actor(request),
        resolve_by=payload.resolve_by,
        reason=payload.reason,
    )
    return _incident(request, incident_id)

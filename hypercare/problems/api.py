"""Problem endpoints: thin adapters over the problem services and selectors.

Only support staff see problems; for anyone else every one of these paths answers 404,
as if no problem existed.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

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
from hypercare.incidents.models import MajorIncident
from hypercare.incidents.selectors import visible_incidents
from hypercare.orgs.models import Integration, Module
from hypercare.problems import selectors
from hypercare.problems.models import Problem
from hypercare.problems.schemas import (
    IncidentLinkIn,
    ProblemCreateIn,
    ProblemDetailOut,
    ProblemFieldsIn,
    ProblemOut,
    ProblemQuery,
    ProblemReleaseIn,
    ProblemStatusIn,
    PublishedOut,
    TicketLinkIn,
)
from hypercare.problems.services import fix, records, workaround
from hypercare.problems.services.records import ProblemDetails
from hypercare.releases.models import Release
from hypercare.tickets.selectors import get_visible_ticket_by_ref, named_tickets

router = Router(tags=["problems"])
LIST_PARAMETERS = {*ProblemQuery.model_fields, *PageQuery.model_fields}
NO_PROBLEM = selectors.NO_PROBLEM
TEXT_FIELDS = ("title", "root_cause", "workaround", "vendor_contact_name", "vendor_contact_email")


def _problem(request: HttpRequest, problem_id: int) -> Problem:
    return selectors.get_visible_problem(actor(request), problem_id)


def _details(payload: ProblemFieldsIn, current: ProblemDetails) -> ProblemDetails:
    """``current`` with what the payload sets; ids that name nothing are refused."""
    given = payload.model_dump(exclude_unset=True)
    unknown: dict[str, str] = {}
    values: dict[str, Any] = {
        name: given[name] or "" if name in given else getattr(current, name) for name in TEXT_FIELDS
    }
    values["title"] = values["title"] or current.title
    for field, model, attribute in (
        ("module_ids", Module, "modules"),
        ("integration_ids", Integration, "integrations"),
    ):
        values[attribute] = getattr(current, attribute)
        if field in given:
            wanted = set(given[field] or [])
            values[attribute] = list(model.objects.filter(pk__in=wanted))
            if len(values[attribute]) != len(wanted):
                unknown[field] = f"no such {attribute[:-1]}"
    values["owner"] = current.owner
    if given.get("owner_id") is not None:
        values["owner"] = User.objects.filter(pk=given["owner_id"]).first()
        if values["owner"] is None:
            unknown["owner_id"] = "no such person"
    elif "owner_id" in given:
        values["owner"] = None
    if unknown:
        raise ValidationFailed(unknown)
    return ProblemDetails(**values)


@contextmanager
def _as_fields() -> Iterator[None]:
    """The service names the owner ``owner``; the API's field is ``owner_id``."""
    try:
        yield
    except ValidationFailed as exc:
        raise ValidationFailed(
            {("owner_id" if name == "owner" else name): text for name, text in exc.errors.items()}
        ) from None


@router.get("/problems", response={200: Page[ProblemOut], **errors(401, 422, not_found=NO_PROBLEM)})
def list_problems(
    request: HttpRequest, query: Query[ProblemQuery], paging: Query[PageQuery]
) -> dict[str, object]:
    """Search the problems, latest change first; `known_error=true` is the known-error
    list agents search while they triage. Support staff only (404 for anyone else)."""
    refuse_unknown_query(request, LIST_PARAMETERS)
    user = actor(request)
    if not selectors.can_read_problems(user):
        raise NotFound(NO_PROBLEM)
    ticket = get_visible_ticket_by_ref(user, query.ticket) if query.ticket else None
    filters = selectors.ProblemFilters(
        text=query.q, status=query.status or "", known_error=query.known_error, ticket=ticket
    )
    return paginate(selectors.problem_list(user, filters).order_by("-updated_at", "-pk"), paging)


@router.get(
    "/problems/{problem_id}",
    response={200: ProblemDetailOut, **errors(401, 422, not_found=NO_PROBLEM)},
)
def get_problem(request: HttpRequest, problem_id: DbId) -> Problem:
    """The problem with its linked tickets and its history."""
    return _problem(request, problem_id)


@router.post(
    "/problems", response={201: ProblemDetailOut, **errors(401, 422, not_found=NO_PROBLEM)}
)
def create_problem(request: HttpRequest, payload: ProblemCreateIn) -> Status[Problem]:
    """Record a problem, from one ticket or several."""
    user = actor(request)
    if not selectors.can_read_problems(user):
        raise NotFound(NO_PROBLEM)
    tickets = named_tickets(user, "tickets", payload.tickets)
    details = _details(payload, ProblemDetails(title=payload.title))
    with _as_fields():
        problem = records.create_problem(actor=user, details=details, tickets=tickets)
    return Status(201, _problem(request, problem.pk))


@router.patch(
    "/problems/{problem_id}",
    response={200: ProblemDetailOut, **errors(401, 422, not_found=NO_PROBLEM)},
)
def update_problem(request: HttpRequest, problem_id: DbId, payload: ProblemFieldsIn) -> Problem:
    """Change the fields given; the others keep their value."""
    user = actor(request)
    problem = _problem(request, problem_id)
    details = _details(payload, ProblemDetails.of(problem))
    with _as_fields():
        records.update_problem(problem=problem, actor=user, details=details)
    return _problem(request, problem_id)


@router.post(
    "/problems/{problem_id}/status",
    response={
        200: ProblemDetailOut,
        **errors(
            401,
            422,
            not_found=NO_PROBLEM,
            conflict="The problem's status does not allow that step (see the transition table).",
        ),
    },
)
def change_status(request: HttpRequest, problem_id: DbId, payload: ProblemStatusIn) -> Problem:
    """New → investigating → known error → resolved; a known error needs its root cause
    and workaround (422 names them)."""
    records.change_problem_status(
        problem=_problem(request, problem_id),
        actor=actor(request),
        status=payload.status,
        reason=payload.reason,
    )
    return _problem(request, problem_id)


@router.post(
    "/problems/{problem_id}/tickets",
    response={
        201: ProblemDetailOut,
        **errors(
            401,
            422,
            not_found=NO_PROBLEM,
            conflict="The ticket is already linked to this problem.",
        ),
    },
)
def link_ticket(request: HttpRequest, problem_id: DbId, payload: TicketLinkIn) -> Status[Problem]:
    """Link a ticket; an internal entry on its timeline."""
    user = actor(request)
    problem = _problem(request, problem_id)
    [ticket] = named_tickets(user, "ticket", [payload.ticket])
    records.link_ticket(problem=problem, ticket=ticket, actor=user)
    return Status(201, _problem(request, problem_id))


@router.delete(
    "/problems/{problem_id}/tickets/{ticket_ref}",
    response={
        200: ProblemDetailOut,
        **errors(
            401,
            422,
            not_found=NO_PROBLEM,
            conflict="The ticket is not linked to this problem.",
        ),
    },
)
def unlink_ticket(request: HttpRequest, problem_id: DbId, ticket_ref: str) -> Problem:
    user = actor(request)
    problem = _problem(request, problem_id)
    ticket = get_visible_ticket_by_ref(user, ticket_ref)
    records.unlink_ticket(problem=problem, ticket=ticket, actor=user)
    return _problem(request, problem_id)


@router.post(
    "/problems/{problem_id}/incidents",
    response={
        201: ProblemDetailOut,
        **errors(
            401,
            422,
            not_found=NO_PROBLEM,
            conflict="The major incident is already linked to this problem.",
        ),
    },
)
def link_incident(
    request: HttpRequest, problem_id: DbId, payload: IncidentLinkIn
) -> Status[Problem]:
    """Name a major incident the problem caused; on the problem's history."""
    user = actor(request)
    problem = _problem(request, problem_id)
    records.link_incident(
        problem=problem, incident=_incident(user, payload.incident_id), actor=user
    )
    return Status(201, _problem(request, problem_id))


@router.delete(
    "/problems/{problem_id}/incidents/{incident_id}",
    response={
        200: ProblemDetailOut,
        **errors(
            401,
            422,
            not_found=NO_PROBLEM,
            conflict="The major incident is not linked to this problem.",
        ),
    },
)
def unlink_incident(request: HttpRequest, problem_id: DbId, incident_id: DbId) -> Problem:
    user = actor(request)
    problem = _problem(request, problem_id)
    records.unlink_incident(problem=problem, incident=_incident(user, incident_id), actor=user)
    return _problem(request, problem_id)


def _incident(user: User, incident_id: int) -> MajorIncident:
    """A major incident the caller may see, or the field named as not found."""
    incident = visible_incidents(user).filter(pk=incident_id).first()
    if incident is None:
        raise ValidationFailed({"incident_id": "no such major incident"})
    return incident


@router.post(
    "/problems/{problem_id}/workaround/publish",
    response={
        200: PublishedOut,
        **errors(401, 422, not_found=NO_PROBLEM, conflict="The problem is resolved."),
    },
)
def publish_workaround(request: HttpRequest, problem_id: DbId) -> dict[str, Any]:
    """Post the workaround to each linked open ticket's requester that has not had this
    text; publishing it again posts nothing (422 when there is no workaround)."""
    posted = workaround.publish_workaround(
        problem=_problem(request, problem_id), actor=actor(request)
    )
    return {
        "problem": _problem(request, problem_id),
        "posted_to": [ticket.reference for ticket in posted],
    }


@router.put(
    "/problems/{problem_id}/release",
    response={
        200: ProblemDetailOut,
        **errors(
            401,
            422,
            not_found=NO_PROBLEM,
            conflict="The release has shipped, or the problem is resolved.",
        ),
    },
)
def plan_fix(request: HttpRequest, problem_id: DbId, payload: ProblemReleaseIn) -> Problem:
    """Plan the fix for a release not shipped yet (status Fix planned), or take it off.
    Shipping the release resolves the problem and tells the linked requesters."""
    release = None
    if payload.release_id is not None:
        release = Release.objects.filter(pk=payload.release_id).first()
        if release is None:
            raise ValidationFailed({"release_id": "no such release"})
    fix.plan_problem_fix(
        problem=_problem(request, problem_id), actor=actor(request), release=release
    )
    return _problem(request, problem_id)

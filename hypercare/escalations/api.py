"""Escalation endpoints: every step of the process, thin adapters over the services."""

from django.db.models import QuerySet
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
from hypercare.errors import ValidationFailed
from hypercare.escalations import selectors
from hypercare.escalations.choices import (
    OPEN_ESCALATION_STATUSES,
    EscalationStatus,
    EscalationStep,
)
from hypercare.escalations.models import Escalation
from hypercare.escalations.schemas import (
    ActionPlanIn,
    CommunicationPlanIn,
    DeEscalationIn,
    EscalationOut,
    EscalationQuery,
    EscalationRequestIn,
    EscalationStepOut,
    LevelIn,
    ManagerIn,
    UpdateIn,
)
from hypercare.escalations.services import handling, intake
from hypercare.tickets.api import NO_TICKET
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import get_visible_ticket_by_ref

router = Router(tags=["escalations"])

LIST_PARAMETERS = {*EscalationQuery.model_fields, *PageQuery.model_fields}
NO_ESCALATION = "No such escalation, or you may not see it."
HANDLERS_ONLY = "Only escalation and support managers can do this."
DE_ESCALATED = "The escalation has been de-escalated."
# The plans and updates: a manager's steps on an open escalation that has its manager.
HANDLING_ERRORS = errors(
    401,
    422,
    not_found=NO_ESCALATION,
    forbidden=HANDLERS_ONLY,
    conflict="The escalation has been de-escalated, or has no manager yet.",
)


def _ticket(request: HttpRequest, ticket_ref: str) -> Ticket:
    return get_visible_ticket_by_ref(actor(request), ticket_ref)


def _escalation(request: HttpRequest, escalation_id: int) -> Escalation:
    return selectors.get_visible_escalation(actor(request), escalation_id)


@router.get("/escalations", response={200: Page[EscalationOut], **errors(401, 422)})
def list_escalations(
    request: HttpRequest, filters: Query[EscalationQuery], paging: Query[PageQuery]
) -> dict[str, object]:
    """The escalations of the tickets the caller may see; open ones unless asked otherwise."""
    refuse_unknown_query(request, LIST_PARAMETERS)
    user = actor(request)
    return paginate(_filtered(user, selectors.visible_escalations(user), filters), paging)


def _filtered(
    user: User, escalations: QuerySet[Escalation], filters: EscalationQuery
) -> QuerySet[Escalation]:
    if filters.state == "open":
        escalations = escalations.filter(status__in=OPEN_ESCALATION_STATUSES)
    elif filters.state == "de_escalated":
        escalations = escalations.filter(status=EscalationStatus.DE_ESCALATED)
    if filters.manager is not None:
        escalations = escalations.filter(
            manager_id=user.pk if filters.manager == "me" else filters.manager
        )
    if filters.institution is not None:
        escalations = escalations.filter(ticket__institution_id=filters.institution)
    return escalations


@router.get(
    "/escalations/{escalation_id}",
    response={200: EscalationOut, **errors(401, 422, not_found=NO_ESCALATION)},
)
def get_escalation(request: HttpRequest, escalation_id: DbId) -> Escalation:
    return _escalation(request, escalation_id)


@router.get(
    "/tickets/{ticket_ref}/escalations",
    response={200: list[EscalationOut], **errors(401, not_found=NO_TICKET)},
)
def list_ticket_escalations(request: HttpRequest, ticket_ref: str) -> list[Escalation]:
    ticket = _ticket(request, ticket_ref)
    return list(selectors.ticket_escalations(actor(request), ticket))


@router.get(
    "/tickets/{ticket_ref}/escalation-steps",
    response={200: list[EscalationStepOut], **errors(401, not_found=NO_TICKET)},
)
def list_next_steps(request: HttpRequest, ticket_ref: str) -> list[EscalationStep]:
    """The escalation steps the caller may take on the ticket now, in the process's order:
    the same ones the desk offers."""
    user = actor(request)
    ticket = _ticket(request, ticket_ref)
    return selectors.next_steps(user, ticket, selectors.open_escalation(user, ticket))


@router.post(
    "/tickets/{ticket_ref}/escalations",
    response={
        201: EscalationOut,
        **errors(
            401,
            422,
            not_found=NO_TICKET,
            forbidden="Only the requester (or who reported for them), an institution admin "
            "or support staff escalate a ticket.",
            conflict="The ticket is closed, or already escalated.",
        ),
    },
)
def request_escalation(
    request: HttpRequest, ticket_ref: str, payload: EscalationRequestIn
) -> Status[Escalation]:
    """Ask for management attention after the review checklist; 409 if already escalated."""
    user = actor(request)
    escalation = intake.request_escalation(
        ticket=_ticket(request, ticket_ref),
        actor=user,
        reason=payload.reason,
        details=payload.details,
        checklist=intake.ReviewChecklist(
            problem_statement_confirmed=payload.problem_statement_confirmed,
            business_impact=payload.business_impact,
            workaround=payload.workaround,
            workaround_impractical_because=payload.workaround_impractical_because,
            milestone_date=payload.milestone_date,
            milestone=payload.milestone,
        ),
    )
    return Status(201, selectors.get_visible_escalation(user, escalation.pk))


@router.post(
    "/escalations/{escalation_id}/manager",
    response={
        200: EscalationOut,
        **errors(401, 422, not_found=NO_ESCALATION, forbidden=HANDLERS_ONLY, conflict=DE_ESCALATED),
    },
)
def assign_manager(request: HttpRequest, escalation_id: DbId, payload: ManagerIn) -> Escalation:
    escalation = _escalation(request, escalation_id)
    manager = User.objects.filter(pk=payload.manager_id).first()
    if manager is None:
        raise ValidationFailed({"manager_id": "no such person"})
    try:
        handling.assign_escalation_manager(
            escalation=escalation, actor=actor(request), manager=manager, reason=payload.reason
        )
    except ValidationFailed as exc:
        raise ValidationFailed({"manager_id": exc.errors.get("manager", exc.message)}) from None
    return _escalation(request, escalation_id)


@router.post(
    "/escalations/{escalation_id}/action-plan",
    response={200: EscalationOut, **HANDLING_ERRORS},
)
def record_action_plan(
    request: HttpRequest, escalation_id: DbId, payload: ActionPlanIn
) -> Escalation:
    handling.record_action_plan(
        escalation=_escalation(request, escalation_id),
        actor=actor(request),
        action_plan=payload.action_plan,
    )
    return _escalation(request, escalation_id)


@router.post(
    "/escalations/{escalation_id}/communication-plan",
    response={200: EscalationOut, **HANDLING_ERRORS},
)
def record_communication_plan(
    request: HttpRequest, escalation_id: DbId, payload: CommunicationPlanIn
) -> Escalation:
    """Mode, frequency and attendees of the updates; the next update falls due from now."""
    handling.record_communication_plan(
        escalation=_escalation(request, escalation_id),
        actor=actor(request),
        mode=payload.mode,
        update_every_hours=payload.update_every_hours,
        attendees=payload.attendees,
    )
    return _escalation(request, escalation_id)


@router.post(
    "/escalations/{escalation_id}/updates",
    response={201: EscalationOut, **HANDLING_ERRORS},
)
def post_update(request: HttpRequest, escalation_id: DbId, payload: UpdateIn) -> Status[Escalation]:
    """An update to the requester, public on the timeline; the next one falls due."""
    handling.post_escalation_update(
        escalation=_escalation(request, escalation_id), actor=actor(request), body=payload.body
    )
    return Status(201, _escalation(request, escalation_id))


@router.post(
    "/escalations/{escalation_id}/level",
    response={
        200: EscalationOut,
        **errors(
            401,
            422,
            not_found=NO_ESCALATION,
            forbidden="Only escalation and support managers raise the level; only support "
            "managers call in the executive level.",
            conflict="The escalation has been de-escalated, or is already at that level or higher.",
        ),
    },
)
def raise_level(request: HttpRequest, escalation_id: DbId, payload: LevelIn) -> Escalation:
    """Levels only go up; the executive level is for support managers to call in."""
    handling.raise_escalation_level(
        escalation=_escalation(request, escalation_id),
        actor=actor(request),
        level=payload.level,
        reason=payload.reason,
    )
    return _escalation(request, escalation_id)


@router.post(
    "/escalations/{escalation_id}/de-escalation",
    response={
        200: EscalationOut,
        **errors(
            401,
            422,
            not_found=NO_ESCALATION,
            forbidden=HANDLERS_ONLY,
            conflict="The escalation has been de-escalated, or has no manager or no action "
            "plan yet.",
        ),
    },
)
def de_escalate(request: HttpRequest, escalation_id: DbId, payload: DeEscalationIn) -> Escalation:
    """Refused, naming each missing item, until the de-escalation checklist is complete."""
    handling.de_escalate(
        escalation=_escalation(request, escalation_id),
        actor=actor(request),
        checklist=handling.DeEscalationChecklist(
            action_plan_accepted=payload.action_plan_accepted,
            root_cause_on_track=payload.root_cause_on_track,
            agreed_by=payload.agreed_by,
            agreed_at=payload.agreed_at,
            agreement_channel=payload.agreement_channel or "",
        ),
    )
    return _escalation(request, escalation_id)

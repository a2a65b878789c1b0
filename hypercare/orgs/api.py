"""Institutions, modules, integrations and teams as the caller may see them."""

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from hypercare import access
from hypercare.accounts.models import User
from hypercare.accounts.schemas import UserRef
from hypercare.api.common import DbId, actor, errors
from hypercare.errors import NotAllowed, NotFound
from hypercare.orgs import selectors, services
from hypercare.orgs.choices import AutoAssignment, IntegrationKind, ModuleCode, Phase, Tier
from hypercare.orgs.models import AgentAvailability, Institution, Integration, Module, Team

router = Router(tags=["institutions"])


class InstitutionOut(Schema):
    id: int
    name: str
    slug: str
    time_zone: str
    go_live_date: str | None
    phase: Phase

    @staticmethod
    def resolve_go_live_date(institution: Institution) -> str | None:
        return institution.go_live_date.isoformat() if institution.go_live_date else None


class ModuleOut(Schema):
    id: int
    institution_id: int
    code: ModuleCode
    name: str
    is_active: bool
    owners: list[UserRef]


class ContactOut(Schema):
    name: str
    email: str
    phone: str
    organisation: str


class IntegrationOut(Schema):
    id: int
    institution_id: int
    kind: IntegrationKind
    name: str
    provider: str
    is_active: bool
    contacts: list[ContactOut]


class TeamOut(Schema):
    id: int
    name: str
    slug: str
    tier: Tier
    lead: UserRef | None
    auto_assignment: AutoAssignment


class AvailabilityOut(Schema):
    agent: UserRef
    on_duty: bool
    out_of_office_until: dt.date | None
    updated_at: dt.datetime


class AvailabilityIn(Schema):
    model_config = ConfigDict(extra="forbid")
    on_duty: bool
    out_of_office_until: dt.date | None = Field(
        None,
        description="Away up to and including this day, which is today or later (the desk's "
        "day); empty when not away.",
    )


class InstitutionFilter(Schema):
    institution: DbId | None = None


@router.get("/institutions", response={200: list[InstitutionOut], **errors(401)})
def list_institutions(request: HttpRequest) -> list[Institution]:
    return list(selectors.visible_institutions(actor(request)))


@router.get(
    "/institutions/{institution_id}",
    response={
        200: InstitutionOut,
        **errors(401, 422, not_found="No such institution, or you may not see it."),
    },
)
def get_institution(request: HttpRequest, institution_id: DbId) -> Institution:
    return selectors.get_visible_institution(actor(request), institution_id)


@router.get("/modules", response={200: list[ModuleOut], **errors(401, 422)})
def list_modules(request: HttpRequest, filters: Query[InstitutionFilter]) -> list[Module]:
    modules = selectors.visible_modules(actor(request)).prefetch_related("owners")
    if filters.institution is not None:
        modules = modules.filter(institution_id=filters.institution)
    return list(modules)


@router.get("/integrations", response={200: list[IntegrationOut], **errors(401, 422)})
def list_integrations(request: HttpRequest, filters: Query[InstitutionFilter]) -> list[Integration]:
    integrations = selectors.visible_integrations(actor(request))
    if filters.institution is not None:
        integrations = integrations.filter(institution_id=filters.institution)
    return list(integrations)


@router.get("/teams", response={200: list[TeamOut], **errors(401)})
def list_teams(request: HttpRequest) -> list[Team]:
    return list(selectors.teams())


@router.get("/availability", response={200: list[AvailabilityOut], **errors(401)})
def list_availability(request: HttpRequest) -> list[AgentAvailability]:
    """Agents' recorded availability (support staff only); an agent not listed is on duty."""
    return list(selectors.agent_availability(actor(request)))


@router.put(
    "/agents/{agent_id}/availability",
    response={
        200: AvailabilityOut,
        **errors(
            401,
            422,
            not_found="No such person.",
            forbidden="Only the agent, their team lead or a desk manager set a support "
            "agent's availability.",
        ),
    },
)
def set_availability(
    request: HttpRequest, agent_id: DbId, payload: AvailabilityIn
) -> AgentAvailability:
    """On or off duty and out of office: auto-assignment passes over unavailable agents."""
    user = actor(request)
    if not access.is_agent(user):
        raise NotAllowed("Availability is for support staff.")
    agent = User.objects.filter(pk=agent_id).first()
    if agent is None:
        raise NotFound("No such agent.")
    return services.set_availability(
        actor=user,
        agent=agent,
        on_duty=payload.on_duty,
        out_of_office_until=payload.out_of_office_until,
    )

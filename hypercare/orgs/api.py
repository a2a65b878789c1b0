"""Institutions, modules, integrations and teams as the caller may see them."""

from django.http import HttpRequest
from ninja import Query, Router, Schema

from hypercare.accounts.schemas import UserRef
from hypercare.api_support import DbId, actor
from hypercare.orgs import selectors
from hypercare.orgs.choices import IntegrationKind, ModuleCode, Phase, Tier
from hypercare.orgs.models import Institution, Integration, Module, Team

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


class InstitutionFilter(Schema):
    institution: DbId | None = None


@router.get("/institutions", response=list[InstitutionOut])
def list_institutions(request: HttpRequest) -> list[Institution]:
    return list(selectors.visible_institutions(actor(request)))


@router.get("/institutions/{institution_id}", response=InstitutionOut)
def get_institution(request: HttpRequest, institution_id: DbId) -> Institution:
    return selectors.get_visible_institution(actor(request), institution_id)


@router.get("/modules", response=list[ModuleOut])
def list_modules(request: HttpRequest, filters: Query[InstitutionFilter]) -> list[Module]:
    modules = selectors.visible_modules(actor(request)).prefetch_related("owners")
    if filters.institution is not None:
        modules = modules.filter(institution_id=filters.institution)
    return list(modules)


@router.get("/integrations", response=list[IntegrationOut])
def list_integrations(request: HttpRequest, filters: Query[InstitutionFilter]) -> list[Integration]:
    integrations = selectors.visible_integrations(actor(request))
    if filters.institution is not None:
        integrations = integrations.filter(institution_id=filters.institution)
    return list(integrations)


@router.get("/teams", response=list[TeamOut])
def list_teams(request: HttpRequest) -> list[Team]:
    return list(selectors.teams())

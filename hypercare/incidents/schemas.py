"""API shapes for major incidents. Input schemas list exactly the fields a step may set;
what a reader is shown of the affected institutions and children is scoped to them."""

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AwareDatetime, ConfigDict, Field

from hypercare.accounts.schemas import UserRef
from hypercare.api.common import DbId, actor
from hypercare.incidents import selectors
from hypercare.incidents.choices import IncidentStatus
from hypercare.incidents.models import MajorIncident
from hypercare.incidents.services import (
    LONGEST_UPDATE_INTERVAL_HOURS,
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
)
from hypercare.lib import clock
from hypercare.lib.text import body_text, single_line
from hypercare.orgs.choices import IntegrationKind, ModuleCode
from hypercare.tickets.choices import Status
from hypercare.tickets.schemas import InstitutionRef

RequiredText = Annotated[str, body_text(min_length=1, max_length=TEXT_MAX)]
TicketRefIn = Annotated[str, single_line(min_length=1, max_length=30)]
MOST_TICKETS = 100


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class DeclareIn(_Input):
    title: Annotated[str, single_line(min_length=1, max_length=TITLE_MAX)] = Field(
        description="The banner's words, read by every affected institution: "
        "name no institution or person."
    )
    module_code: ModuleCode
    integration_kind: IntegrationKind | None = None
    impact: RequiredText
    institutions: list[DbId] = Field(
        default_factory=list,
        max_length=500,
        description="The affected institutions' ids; may be empty when declaring from a "
        "ticket, whose institution is affected.",
    )
    started_at: AwareDatetime = Field(description="When it started: not in the future.")
    update_every_hours: int = Field(1, ge=1, le=LONGEST_UPDATE_INTERVAL_HOURS)
    resolve_by: AwareDatetime | None = Field(
        None,
        description="The resolution target: after the start, in the future. Omitted: "
        "HYPERCARE_INCIDENT_RESOLVE_HOURS (default 4) from now, around the clock.",
    )
    from_ticket: TicketRefIn | None = Field(
        None, description="The ticket it is declared from (id or reference): its first child."
    )


class ChildIn(_Input):
    ticket: TicketRefIn = Field(description="The ticket's id or reference (HC-000123).")


class ChildrenIn(_Input):
    tickets: list[TicketRefIn] = Field(min_length=1, max_length=MOST_TICKETS)


class UpdateIn(_Input):
    body: RequiredText


class ResolutionIn(_Input):
    resolution: RequiredText


class ResolveByIn(_Input):
    resolve_by: AwareDatetime = Field(description="The new resolution target.")
    reason: Annotated[str, body_text(min_length=1, max_length=REASON_MAX)]


class IncidentQuery(Schema):
    state: Literal["active", "resolved", "all"] = "active"


class ChildOut(Schema):
    id: int
    reference: str
    title: str
    status: Status
    institution: InstitutionRef


class RefusedOut(Schema):
    ticket: str
    message: str


class IncidentSummaryOut(Schema):
    id: int
    reference: str
    title: str
    module_code: ModuleCode
    integration_kind: IntegrationKind | None
    impact: str
    status: IncidentStatus
    started_at: datetime
    declared_by: UserRef
    declared_at: datetime
    update_every_hours: int
    last_update_at: datetime | None
    next_update_due_at: datetime | None
    update_overdue: bool
    resolve_by: datetime | None
    resolve_missed_at: datetime | None
    resolve_overdue: bool
    resolution: str
    resolved_at: datetime | None

    @staticmethod
    def resolve_integration_kind(incident: MajorIncident) -> str | None:
        return incident.integration_kind or None

    @staticmethod
    def resolve_update_overdue(incident: MajorIncident) -> bool:
        due = incident.next_update_due_at
        return incident.is_active and due is not None and due <= clock.now()

    @staticmethod
    def resolve_resolve_overdue(incident: MajorIncident) -> bool:
        return incident.resolve_overdue(clock.now())


class IncidentOut(IncidentSummaryOut):
    """One incident with what the caller may know of it: the affected institutions (only
    their own, for an institution's user) and the children they may see."""

    institutions: list[InstitutionRef]
    children: list[ChildOut]

    @staticmethod
    def resolve_institutions(incident: MajorIncident, context: dict[str, Any]) -> list[Any]:
        return selectors.affected_institutions(actor(context["request"]), incident)

    @staticmethod
    def resolve_children(incident: MajorIncident, context: dict[str, Any]) -> list[Any]:
        return list(selectors.incident_children(actor(context["request"]), incident))


class ChildrenOut(Schema):
    attached: list[ChildOut]
    refused: list[RefusedOut]


class ResolutionOut(Schema):
    incident: IncidentOut
    resolved: list[ChildOut]
    refused: list[RefusedOut]

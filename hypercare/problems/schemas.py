"""API shapes for problems. Input schemas list exactly the fields an operation may set."""

from datetime import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field

from hypercare.accounts.schemas import UserRef
from hypercare.api.common import DbId, actor
from hypercare.incidents.models import MajorIncident
from hypercare.lib.text import body_text, single_line
from hypercare.problems.choices import ProblemEventKind, ProblemStatus
from hypercare.problems.events import describe
from hypercare.problems.models import NAME_MAX, TITLE_MAX, Problem, ProblemEvent
from hypercare.problems.selectors import problem_history, problem_incidents, problem_tickets
from hypercare.problems.services.records import TEXT_MAX
from hypercare.tickets.models import Ticket
from hypercare.tickets.schemas import InstitutionRef

Text = Annotated[str, body_text(max_length=TEXT_MAX)]
TicketRefs = Annotated[list[Annotated[str, single_line(max_length=20)]], Field(max_length=200)]
Ids = Annotated[list[DbId], Field(max_length=200)]


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class ProblemFieldsIn(_Input):
    """The fields an update may change; those left out keep their value."""

    title: Annotated[str, single_line(min_length=1, max_length=TITLE_MAX)] | None = None
    module_ids: Ids | None = Field(None, description="The modules involved (the whole list).")
    integration_ids: Ids | None = Field(
        None, description="The integrations involved (the whole list)."
    )
    root_cause: Text | None = Field(None, description="The root-cause analysis.")
    workaround: Text | None = Field(
        None, description="Published to the linked requesters by /workaround/publish."
    )
    owner_id: DbId | None = Field(
        None, description="A tier 3 engineer; not with a vendor contact. Null for none."
    )
    vendor_contact_name: Annotated[str, single_line(max_length=NAME_MAX)] | None = None
    vendor_contact_email: Annotated[str, single_line(max_length=254)] | None = Field(
        None, description="Needed with the vendor contact's name."
    )


class ProblemCreateIn(ProblemFieldsIn):
    title: Annotated[str, single_line(min_length=1, max_length=TITLE_MAX)]
    tickets: TicketRefs = Field(
        default_factory=list,
        description="References of the tickets to link (HC-000123); their modules are the "
        "problem's when module_ids is left out.",
    )


class ProblemStatusIn(_Input):
    status: ProblemStatus = Field(
        description="Fix planned is set by planning the fix for a release (PUT .../release)."
    )
    reason: Annotated[str, body_text(max_length=2000)] = ""


class TicketLinkIn(_Input):
    ticket: Annotated[str, single_line(min_length=1, max_length=20)] = Field(examples=["HC-000123"])


class IncidentLinkIn(_Input):
    incident_id: int = Field(gt=0, description="A major incident the problem caused.")


class ProblemReleaseIn(_Input):
    """The release the fix ships in; null takes the fix off its release."""

    release_id: DbId | None


class ProblemQuery(Schema):
    q: Annotated[str, single_line(max_length=200)] = Field(
        "", description="Words found in the title, root cause or workaround."
    )
    status: ProblemStatus | None = None
    known_error: bool | None = Field(
        None,
        description="true: the known-error list (known errors not resolved); false: "
        "problems never recorded as known errors.",
    )
    ticket: Annotated[str, single_line(max_length=20)] = Field(
        "", description="Only problems this ticket (HC-000123) is linked to."
    )


class NamedRef(Schema):
    id: int
    name: str


class ReleaseRef(Schema):
    id: int
    version: str
    shipped_at: datetime | None


class ProblemTicketOut(Schema):
    id: int
    reference: str
    title: str
    status: str
    institution: InstitutionRef


class ProblemIncidentOut(Schema):
    id: int
    reference: str
    title: str
    status: str


class VendorContactOut(Schema):
    name: str
    email: str


class ProblemOut(Schema):
    id: int
    reference: str
    title: str
    status: ProblemStatus
    is_known_error: bool
    known_error_at: datetime | None
    modules: list[NamedRef]
    integrations: list[NamedRef]
    root_cause: str
    workaround: str
    workaround_published_at: datetime | None
    owner: UserRef | None
    vendor_contact: VendorContactOut | None
    release: ReleaseRef | None
    ticket_count: int
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None

    @staticmethod
    def resolve_modules(problem: Problem) -> list[dict[str, object]]:
        return [{"id": module.pk, "name": module.name} for module in problem.modules.all()]

    @staticmethod
    def resolve_integrations(problem: Problem) -> list[dict[str, object]]:
        return [{"id": item.pk, "name": item.name} for item in problem.integrations.all()]

    @staticmethod
    def resolve_vendor_contact(problem: Problem) -> dict[str, str] | None:
        if not problem.vendor_contact_name:
            return None
        return {"name": problem.vendor_contact_name, "email": problem.vendor_contact_email}


class ProblemEventOut(Schema):
    kind: ProblemEventKind
    text: str
    body: str = Field(description="The reason of a status change; the workaround published.")
    actor: UserRef | None
    created_at: datetime
    ticket: str | None

    @staticmethod
    def resolve_text(event: ProblemEvent) -> str:
        return describe(event)

    @staticmethod
    def resolve_ticket(event: ProblemEvent) -> str | None:
        return event.ticket.reference if event.ticket else None


class ProblemDetailOut(ProblemOut):
    """The problem with the linked tickets the caller may see and its history."""

    tickets: list[ProblemTicketOut]
    incidents: list[ProblemIncidentOut]
    history: list[ProblemEventOut]

    @staticmethod
    def resolve_tickets(problem: Problem, context: dict[str, Any]) -> list[Ticket]:
        return list(problem_tickets(actor(context["request"]), problem))

    @staticmethod
    def resolve_incidents(problem: Problem, context: dict[str, Any]) -> list[MajorIncident]:
        return list(problem_incidents(actor(context["request"]), problem))

    @staticmethod
    def resolve_history(problem: Problem, context: dict[str, Any]) -> list[ProblemEvent]:
        return list(problem_history(actor(context["request"]), problem))


class PublishedOut(Schema):
    problem: ProblemDetailOut = Field(description="The problem as it is now.")
    posted_to: list[str] = Field(
        description="The tickets the workaround was posted to now; empty when every linked "
        "open ticket already had this text."
    )

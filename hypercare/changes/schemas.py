"""API shapes for change requests. Input schemas list exactly the fields an operation
may set; output shows an institution's people only their own institution's side."""

from datetime import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field

from hypercare.accounts.models import User
from hypercare.accounts.schemas import UserRef
from hypercare.api.common import DbId, actor
from hypercare.changes import selectors
from hypercare.changes.choices import (
    ApproverRole,
    ChangeEventKind,
    ChangeKind,
    ChangeStatus,
    Decision,
    Outcome,
    Risk,
)
from hypercare.changes.events import describe
from hypercare.changes.models import TITLE_MAX, ChangeEvent, ChangeRequest
from hypercare.changes.services.records import TEXT_MAX
from hypercare.lib.text import body_text, single_line
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Module
from hypercare.tickets.schemas import InstitutionRef

Text = Annotated[str, body_text(max_length=TEXT_MAX)]
Ids = Annotated[list[DbId], Field(max_length=200)]


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class ChangeFieldsIn(_Input):
    """The fields an update may change; those left out keep their value."""

    title: Annotated[str, single_line(min_length=1, max_length=TITLE_MAX)] | None = None
    kind: ChangeKind | None = None
    plan: Text | None = None
    rollback_plan: Text | None = None
    window_start: datetime | None = Field(None, description="With its offset (Z, +02:00).")
    window_end: datetime | None = Field(None, description="After the window's start.")
    touches_finance_or_exam_data: bool | None = None
    reversible_in_minutes: bool | None = None
    affects_several_institutions: bool | None = None
    in_production_hours: bool | None = None
    risk: Risk | None = Field(
        None,
        description="Raises the risk the questionnaire assessed (never lowers it); null "
        "keeps the assessment.",
    )
    module_ids: Ids | None = Field(None, description="The affected modules (the whole list).")
    institution_ids: Ids | None = Field(
        None, description="Institutions concerned besides those of the modules."
    )
    problem_ids: Ids | None = Field(None, description="The problems the change fixes.")


class ChangeCreateIn(ChangeFieldsIn):
    title: Annotated[str, single_line(min_length=1, max_length=TITLE_MAX)]
    kind: ChangeKind
    tickets: Annotated[list[Annotated[str, single_line(max_length=20)]], Field(max_length=200)] = (
        Field(
            default_factory=list,
            description="References of the tickets asking for it (HC-000123); their modules "
            "are the change's when module_ids is left out.",
        )
    )


class DecisionIn(_Input):
    decision: Decision = Field(description="approved or rejected.")
    comment: Annotated[str, body_text(max_length=5000)] = Field("", description="Needed to reject.")


class ImplementationIn(_Input):
    outcome: Outcome
    note: Text = Field("", description="Needed when rolled back: what happened.")


class CancelIn(_Input):
    reason: Annotated[str, body_text(max_length=2000)] = ""


class ChangeTicketIn(_Input):
    ticket: Annotated[str, single_line(min_length=1, max_length=20)] = Field(
        description="The ticket's reference (HC-000123), of an institution the change concerns."
    )


class ChangeProblemIn(_Input):
    problem_id: DbId = Field(
        description="A problem concerning (by its modules or tickets) an institution the "
        "change concerns."
    )


class ChangeReleaseIn(_Input):
    """The release the change ships in; null takes it off its release."""

    release_id: DbId | None


class ChangeQuery(Schema):
    q: Annotated[str, single_line(max_length=200)] = Field(
        "", description="Words in title or plan."
    )
    status: ChangeStatus | None = None
    kind: ChangeKind | None = None
    risk: Risk | None = None
    institution_id: DbId | None = None
    module: ModuleCode | None = None
    ticket: Annotated[str, single_line(max_length=20)] = Field(
        "", description="Only changes this ticket (HC-000123) is linked to."
    )


class CalendarQuery(Schema):
    month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", max_length=7)] | None = Field(
        None, description="YYYY-MM; this month when left out."
    )
    institution_id: DbId | None = None
    module: ModuleCode | None = None


class ChangeModuleOut(Schema):
    id: int
    code: ModuleCode
    name: str
    institution: InstitutionRef


class ChangeReleaseRef(Schema):
    id: int
    version: str
    shipped_at: datetime | None


class QuestionnaireOut(Schema):
    touches_finance_or_exam_data: bool
    reversible_in_minutes: bool
    affects_several_institutions: bool
    in_production_hours: bool


class CollisionOut(Schema):
    id: int
    reference: str
    title: str
    window_start: datetime | None
    window_end: datetime | None
    module: ChangeModuleOut


def _user(context: dict[str, Any]) -> Any:
    return actor(context["request"])


class ChangeOut(Schema):
    id: int
    reference: str
    title: str
    kind: ChangeKind
    status: ChangeStatus
    assessed_risk: Risk
    risk: Risk
    questionnaire: QuestionnaireOut
    plan: str
    rollback_plan: str
    window_start: datetime | None
    window_end: datetime | None
    modules: list[ChangeModuleOut]
    institutions: list[InstitutionRef]
    release: ChangeReleaseRef | None
    raised_by: UserRef
    implemented_by: UserRef | None
    implemented_at: datetime | None
    outcome: Outcome | None
    outcome_note: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_questionnaire(change: ChangeRequest) -> ChangeRequest:
        return change

    @staticmethod
    def resolve_outcome(change: ChangeRequest) -> str | None:
        return change.outcome or None

    @staticmethod
    def resolve_modules(change: ChangeRequest, context: dict[str, Any]) -> list[Module]:
        return selectors.change_modules(_user(context), change)

    @staticmethod
    def resolve_institutions(change: ChangeRequest, context: dict[str, Any]) -> list[Any]:
        return selectors.change_institutions(_user(context), change)


class ApprovalOut(Schema):
    id: int
    role: ApproverRole
    module: ChangeModuleOut | None
    decision: Decision
    decided_by: UserRef | None
    decided_at: datetime | None
    comment: str


class EvidenceFileOut(Schema):
    id: int
    name: str = Field(validation_alias="original_name")
    content_type: str
    size: int
    download_url: str

    @staticmethod
    def resolve_download_url(item: Any) -> str:
        return f"/api/v1/changes/evidence-files/{item.pk}/content"


class EvidenceOut(Schema):
    id: int
    note: str
    recorded_by: UserRef
    recorded_at: datetime
    files: list[EvidenceFileOut]

    @staticmethod
    def resolve_files(evidence: Any) -> list[Any]:
        return list(evidence.files.all())


class ChangeTicketOut(Schema):
    id: int
    reference: str
    title: str
    status: str
    institution: InstitutionRef


class ChangeProblemOut(Schema):
    id: int
    reference: str
    title: str


class ChangeEventOut(Schema):
    kind: ChangeEventKind
    text: str
    body: str = Field(description="A decision's comment, the evidence note, a reason.")
    actor: UserRef | None
    created_at: datetime

    @staticmethod
    def resolve_text(event: ChangeEvent) -> str:
        return describe(event)


class ChangeDetailOut(ChangeOut):
    """The change with its approvals, evidence, tickets, problems, history and the
    changes colliding with it (one module of one institution, overlapping windows)."""

    approvals: list[ApprovalOut]
    evidence: list[EvidenceOut]
    tickets: list[ChangeTicketOut]
    problems: list[ChangeProblemOut]
    history: list[ChangeEventOut]
    collisions: list[CollisionOut]

    @staticmethod
    def resolve_approvals(change: ChangeRequest, context: dict[str, Any]) -> list[Any]:
        return list(selectors.change_approvals(_user(context), change))

    @staticmethod
    def resolve_evidence(change: ChangeRequest, context: dict[str, Any]) -> list[Any]:
        return list(selectors.change_evidence(_user(context), change))

    @staticmethod
    def resolve_tickets(change: ChangeRequest, context: dict[str, Any]) -> list[Any]:
        return list(selectors.change_tickets(_user(context), change))

    @staticmethod
    def resolve_problems(change: ChangeRequest, context: dict[str, Any]) -> list[Any]:
        return list(selectors.change_problems(_user(context), change))

    @staticmethod
    def resolve_history(change: ChangeRequest, context: dict[str, Any]) -> list[Any]:
        return list(selectors.change_history(_user(context), change))

    @staticmethod
    def resolve_collisions(change: ChangeRequest, context: dict[str, Any]) -> list[Any]:
        return [collision_out(item) for item in selectors.collisions(_user(context), change)]


def collision_out(item: selectors.Collision) -> dict[str, Any]:
    other = item.other
    return {
        "id": other.pk,
        "reference": other.reference,
        "title": other.title,
        "window_start": other.window_start,
        "window_end": other.window_end,
        "module": item.module,
    }


class CalendarEntryOut(Schema):
    id: int
    reference: str
    title: str
    kind: ChangeKind
    status: ChangeStatus
    risk: Risk
    window_start: datetime | None
    window_end: datetime | None
    modules: list[ChangeModuleOut]
    collisions: list[CollisionOut]


def calendar_entry(
    user: User, change: ChangeRequest, collisions: list[selectors.Collision]
) -> dict[str, Any]:
    """A change as the calendar lists it, on ``user``'s side, with its collisions."""
    return {
        **{name: getattr(change, name) for name in CALENDAR_FIELDS},
        "modules": selectors.change_modules(user, change),
        "collisions": [collision_out(item) for item in collisions],
    }


CALENDAR_FIELDS = (
    "id",
    "reference",
    "title",
    "kind",
    "status",
    "risk",
    "window_start",
    "window_end",
)


class CalendarOut(Schema):
    month: str
    starts: datetime
    ends: datetime
    changes: list[CalendarEntryOut]


class PendingApprovalOut(Schema):
    id: int
    role: ApproverRole
    module: ChangeModuleOut | None
    change: ChangeOut

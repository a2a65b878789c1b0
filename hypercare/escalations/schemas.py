"""API shapes for escalations. Input schemas list exactly the fields a step may set."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AwareDatetime, ConfigDict, Field

from hypercare.accounts.schemas import UserRef
from hypercare.api.common import DbId
from hypercare.escalations.choices import (
    AgreementChannel,
    CommunicationMode,
    EscalationLevel,
    EscalationReason,
    EscalationStatus,
    EscalationStep,
    Workaround,
)
from hypercare.escalations.models import Escalation
from hypercare.escalations.services.handling import LONGEST_UPDATE_INTERVAL_HOURS, NAME_MAX
from hypercare.escalations.services.intake import MILESTONE_MAX
from hypercare.lib import clock
from hypercare.lib.text import body_text, single_line
from hypercare.tickets.schemas import InstitutionRef

TEXT = 10_000
Text = Annotated[str, body_text(max_length=TEXT)]
RequiredText = Annotated[str, body_text(min_length=1, max_length=TEXT)]


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class EscalationRequestIn(_Input):
    """The request with its review checklist (seed 003). What the schema cannot judge
    alone (a workaround's reason, a milestone's date) the service checks, naming every
    answer that does not pass at once."""

    reason: EscalationReason
    details: Text = Field("", description="Anything else, in your words.")
    problem_statement_confirmed: Literal[True] = Field(
        description="The ticket's problem statement is correct: it must be, so correct it in "
        "a reply first."
    )
    business_impact: RequiredText
    workaround: Workaround
    workaround_impractical_because: Text = Field(
        "", description="Needed when the workaround is impractical."
    )
    milestone_date: date | None = Field(
        None,
        description="A critical milestone, if any: today or later (the desk's day), never a "
        "day in the past. Needed when `milestone` is given.",
    )
    milestone: Annotated[str, single_line(max_length=MILESTONE_MAX)] = Field(
        "", description="What is due on that date; needed with `milestone_date`."
    )


class ManagerIn(_Input):
    manager_id: DbId
    reason: Annotated[str, body_text(max_length=2000)] = ""


class ActionPlanIn(_Input):
    action_plan: RequiredText


class CommunicationPlanIn(_Input):
    mode: CommunicationMode
    update_every_hours: int = Field(ge=1, le=LONGEST_UPDATE_INTERVAL_HOURS)
    attendees: RequiredText


class UpdateIn(_Input):
    body: RequiredText


class LevelIn(_Input):
    level: EscalationLevel
    reason: RequiredText


class DeEscalationIn(_Input):
    """The de-escalation checklist; anything left out counts as not done."""

    action_plan_accepted: bool = False
    root_cause_on_track: bool = False
    agreed_by: Annotated[str, single_line(max_length=NAME_MAX)] = Field(
        "", description="Who agreed to de-escalate."
    )
    agreed_at: AwareDatetime | None = Field(
        None,
        description="When they agreed, with its time zone: not in the future, and not before "
        "the escalation was requested.",
    )
    agreement_channel: AgreementChannel | None = Field(None, description="How they agreed.")


class EscalationQuery(Schema):
    state: Literal["open", "de_escalated", "all"] = "open"
    manager: DbId | Literal["me"] | None = None
    institution: DbId | None = None


class TicketRef(Schema):
    id: int
    reference: str
    title: str
    institution: InstitutionRef


class CommunicationPlanOut(Schema):
    mode: CommunicationMode
    update_every_hours: int
    attendees: str


class DeEscalationOut(Schema):
    de_escalated_at: datetime
    de_escalated_by: UserRef | None
    action_plan_accepted: bool
    root_cause_on_track: bool
    agreed_by: str
    agreed_at: datetime | None
    agreement_channel: AgreementChannel


class EscalationOut(Schema):
    id: int
    ticket: TicketRef
    status: EscalationStatus
    level: EscalationLevel
    reason: EscalationReason
    details: str
    problem_statement_confirmed: bool
    business_impact: str
    workaround: Workaround
    workaround_impractical_because: str
    milestone_date: date | None
    milestone: str
    requested_by: UserRef
    requested_at: datetime
    manager: UserRef | None
    manager_assigned_at: datetime | None
    action_plan: str
    action_plan_recorded_at: datetime | None
    communication_plan: CommunicationPlanOut | None
    last_update_at: datetime | None
    next_update_due_at: datetime | None
    update_overdue: bool
    de_escalation: DeEscalationOut | None

    @staticmethod
    def resolve_communication_plan(escalation: Escalation) -> dict[str, Any] | None:
        if not escalation.communication_mode:
            return None
        return {
            "mode": escalation.communication_mode,
            "update_every_hours": escalation.update_every_hours,
            "attendees": escalation.attendees,
        }

    @staticmethod
    def resolve_update_overdue(escalation: Escalation) -> bool:
        due = escalation.next_update_due_at
        return escalation.is_open and due is not None and due <= clock.now()

    @staticmethod
    def resolve_de_escalation(escalation: Escalation) -> Escalation | None:
        return escalation if escalation.de_escalated_at is not None else None


class EscalationStepOut(Schema):
    """A step of the escalation process the caller may take on the ticket now."""

    step: EscalationStep
    title: str

    @staticmethod
    def resolve_step(step: EscalationStep) -> str:
        return step.value

    @staticmethod
    def resolve_title(step: EscalationStep) -> str:
        return str(step.label)

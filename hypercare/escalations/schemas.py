"""API shapes for escalations. Input schemas list exactly the fields a step may set."""

from datetime import date, datetime
from typing import Any, Literal

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
from hypercare.escalations.services.handling import LONGEST_UPDATE_INTERVAL_HOURS
from hypercare.lib import clock
from hypercare.tickets.schemas import InstitutionRef

TEXT = 10_000


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class EscalationRequestIn(_Input):
    """The request with its review checklist (seed 003). The service names every answer
    that does not pass, all at once."""

    reason: EscalationReason
    details: str = Field("", max_length=TEXT, description="Anything else, in your words.")
    problem_statement_confirmed: bool = Field(
        description="The ticket's problem statement is correct (correct it in a reply first)."
    )
    business_impact: str = Field(max_length=TEXT)
    workaround: Workaround
    workaround_impractical_because: str = Field(
        "", max_length=TEXT, description="Needed when the workaround is impractical."
    )
    milestone_date: date | None = Field(None, description="A critical milestone, if any.")
    milestone: str = Field("", max_length=500, description="What is due on that date.")


class ManagerIn(_Input):
    manager_id: DbId
    reason: str = Field("", max_length=2000)


class ActionPlanIn(_Input):
    action_plan: str = Field(max_length=TEXT)


class CommunicationPlanIn(_Input):
    mode: CommunicationMode
    update_every_hours: int = Field(ge=1, le=LONGEST_UPDATE_INTERVAL_HOURS)
    attendees: str = Field(max_length=TEXT)


class UpdateIn(_Input):
    body: str = Field(max_length=TEXT)


class LevelIn(_Input):
    level: EscalationLevel
    reason: str = Field(max_length=TEXT)


class DeEscalationIn(_Input):
    """The de-escalation checklist; anything left out counts as not done."""

    action_plan_accepted: bool = False
    root_cause_on_track: bool = False
    agreed_by: str = Field("", max_length=200, description="Who agreed to de-escalate.")
    agreed_at: AwareDatetime | None = Field(None, description="When, with its time zone.")
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

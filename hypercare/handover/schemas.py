"""API shapes of the handover record. The content is the stored snapshot; the gaps are
read from it (``content.gaps``)."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from hypercare.accounts.schemas import UserRef
from hypercare.api.common import DbId
from hypercare.handover.choices import GateEventKind, GateKind, Side
from hypercare.handover.services import LINE_MAX, NOTES_MAX, RISKS_MAX
from hypercare.handover.steady_state import REASON_MAX
from hypercare.lib.text import body_text, single_line
from hypercare.orgs.choices import Phase


class PersonOut(Schema):
    name: str
    email: str


class ContactOut(PersonOut):
    phone: str
    organisation: str


class IntegrationContactsOut(Schema):
    integration: str
    kind: str
    contacts: list[ContactOut]


class ModuleOwnersOut(Schema):
    module: str
    owners: list[PersonOut]


class BothSidesOut(Schema):
    institution: list[PersonOut]
    desk: list[PersonOut]


class BackupOut(Schema):
    what: str
    frequency: str
    restore_time: str


class HandoverContentOut(Schema):
    institution_admins: list[PersonOut]
    support_contacts: BothSidesOut
    integration_contacts: list[IntegrationContactsOut]
    module_owners: list[ModuleOwnersOut] = Field(
        description="Each active module's owners: the data owners of its records."
    )
    data_owners: list[PersonOut]
    approval_owners: list[PersonOut]
    escalation_contacts: BothSidesOut
    release_note_recipients: list[PersonOut]
    sla: dict[str, Any] | None = Field(
        description="The governing SLA policy: its targets and business calendar."
    )
    backup: BackupOut
    open_risks: list[str]
    notes: str


class SignOffOut(Schema):
    by: UserRef
    at: datetime


class HandoverOut(Schema):
    institution_id: int
    version: int = Field(description="0 before the first save: the desk's records as they are.")
    saved_by: UserRef | None
    saved_at: datetime | None
    institution_sign_off: SignOffOut | None
    desk_sign_off: SignOffOut | None
    signed: bool = Field(description="Signed by both the institution and the desk.")
    gaps: list[str]
    content: HandoverContentOut


class HandoverIn(Schema):
    model_config = ConfigDict(extra="forbid")

    read_version: int = Field(
        ge=0, le=2**31 - 1, description="The version you read (0 before the first save)."
    )
    backup_what: Annotated[str, body_text(max_length=LINE_MAX * 4)] = ""
    backup_frequency: Annotated[str, single_line(max_length=LINE_MAX)] = ""
    restore_time: Annotated[str, single_line(max_length=LINE_MAX)] = ""
    open_risks: list[Annotated[str, single_line(max_length=LINE_MAX)]] = Field(
        default_factory=list, max_length=RISKS_MAX
    )
    notes: Annotated[str, body_text(max_length=NOTES_MAX)] = ""


class SignOffIn(Schema):
    model_config = ConfigDict(extra="forbid")

    side: Side
    version: int = Field(ge=1, le=2**31 - 1, description="The version you read and sign.")


class GateOut(Schema):
    kind: GateKind
    label: str
    threshold: int
    figure: int
    met: bool
    tickets_url: str | None = Field(
        description="The tickets behind the figure in the desk's queue, where there are any."
    )


class DayScorecardOut(Schema):
    day: date
    computed_at: datetime
    all_met: bool
    gates: list[GateOut]


class PhaseChangeOut(Schema):
    from_phase: Phase
    to_phase: Phase
    actor: UserRef
    changed_at: datetime
    all_met: bool
    override_reason: str
    sla_policy_taken: str
    gates: list[GateOut]


class ExitScorecardOut(Schema):
    institution_id: int
    phase: Phase
    now: DayScorecardOut = Field(description="The gates as they stand now (not stored).")
    history: list[DayScorecardOut] = Field(description="The daily scorecards, newest first.")
    phase_changes: list[PhaseChangeOut]


class PhaseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    phase: Literal[Phase.STEADY_STATE]
    override_reason: Annotated[str, body_text(max_length=REASON_MAX)] = Field(
        "", description="Needed when not every gate is met: why move the institution anyway."
    )
    sla_policy_id: DbId | None = Field(
        None, description="The institution's own SLA policy takes this policy's targets."
    )


class GateThresholdOut(Schema):
    kind: GateKind
    label: str
    threshold: int
    minimum: int = Field(description="The lowest threshold this kind of gate takes.")
    maximum: int


class GateChangeOut(Schema):
    kind: GateEventKind
    actor: UserRef
    at: datetime
    before: dict[str, int] = Field(description="Gate kind → threshold, before the change.")
    after: dict[str, int] = Field(description="After it; empty: back to the default set.")


class ExitGatesOut(Schema):
    institution_id: int
    own: bool = Field(description="Held to gates of its own; false: to the default set.")
    gates: list[GateThresholdOut] = Field(description="The gates it is held to.")
    defaults: list[GateThresholdOut]
    history: list[GateChangeOut] = Field(description="Changes to its own set, newest first.")


class DefaultExitGatesOut(Schema):
    gates: list[GateThresholdOut]
    history: list[GateChangeOut] = Field(description="Changes to the default set, newest first.")


GateKindText = Annotated[str, single_line(max_length=40)]
Threshold = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]


class ExitGatesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    gates: dict[GateKindText, Threshold] | None = Field(
        description="Every gate to hold, kind → threshold: a kind left out is dropped. "
        "Null takes an institution back to the default set."
    )


class DefaultExitGatesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    gates: dict[GateKindText, Threshold] = Field(
        description="Every gate of the default set, kind → threshold."
    )

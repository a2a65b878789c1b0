"""API shapes of the handover record. The content is the stored snapshot; the gaps are
read from it (``content.gaps``)."""

from datetime import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field

from hypercare.accounts.schemas import UserRef
from hypercare.handover.choices import Side
from hypercare.handover.services import LINE_MAX, NOTES_MAX, RISKS_MAX
from hypercare.lib.text import body_text, single_line


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

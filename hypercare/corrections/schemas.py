"""API shapes for a data correction. Input schemas list exactly the fields an operation
may set (anything else is refused, 422, by its name)."""

from datetime import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field

from hypercare.accounts.schemas import UserRef
from hypercare.api.common import DbId
from hypercare.corrections import content
from hypercare.corrections.choices import Decision, Outcome, Reason, VoidReason
from hypercare.corrections.models import CorrectionRecord, SignOff
from hypercare.lib.text import body_text, single_line
from hypercare.tickets.schemas import AttachmentOut, InstitutionRef

Comment = Annotated[str, body_text(max_length=4000)]


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class FieldChangeIn(_Input):
    record: Annotated[str, single_line(min_length=1, max_length=content.RECORD_MAX)]
    field: Annotated[str, single_line(min_length=1, max_length=content.FIELD_MAX)]
    before: Annotated[str, single_line(max_length=content.VALUE_MAX)] = ""
    after: Annotated[str, single_line(max_length=content.VALUE_MAX)] = ""


class CorrectionIn(_Input):
    """The whole record: what is left out is empty, not kept."""

    records: list[Annotated[str, single_line(max_length=content.RECORD_MAX)]] = Field(
        default_factory=list,
        max_length=content.RECORDS_MAX,
        description="Identifiers of the records affected; or attach a CSV extract.",
    )
    extract_id: DbId | None = Field(
        None,
        description="A CSV extract of the records affected: a public file of the ticket, "
        "uploaded first through `POST /tickets/{ref}/attachments`.",
    )
    changes: list[FieldChangeIn] = Field(
        default_factory=list,
        max_length=content.CHANGES_MAX,
        description="Each field's value before and after, per record.",
    )
    reason: Reason
    reversal_plan: Annotated[str, body_text(max_length=content.PLAN_MAX)]


class DecisionIn(_Input):
    decision: Decision
    comment: Comment = Field("", description="Required when refusing: what is wrong.")


class VerificationIn(_Input):
    outcome: Outcome
    comment: Comment = Field("", description="Required when it is not right: what is wrong.")


class FieldChangeOut(Schema):
    record: str
    field: str
    before: str
    after: str


class SignOffOut(Schema):
    id: int
    data_owner: UserRef
    decision: Decision
    comment: str
    version: int
    content_hash: str
    snapshot: dict[str, Any] = Field(description="The record as the data owner read it.")
    decided_at: datetime
    voided_at: datetime | None = Field(
        description="Set when the decision no longer stands: the record changed after it, "
        "or another data owner is named."
    )
    void_reason: VoidReason | None = Field(description="Why it is void; null while it stands.")

    @staticmethod
    def resolve_decision(obj: SignOff) -> str:
        return obj.decision

    @staticmethod
    def resolve_void_reason(obj: SignOff) -> str | None:
        return obj.void_reason or None


class CorrectionOut(Schema):
    ticket: str
    version: int
    records: list[str]
    extract: AttachmentOut | None
    changes: list[FieldChangeOut]
    reason: Reason
    reversal_plan: str
    content_hash: str = Field(description="SHA-256 of the record's canonical JSON.")
    written_by: UserRef
    written_at: datetime
    data_owner: UserRef | None = Field(
        description="The data owner the ticket names, while they still may sign off."
    )
    sign_off_requested_at: datetime | None
    signed_off: bool = Field(description="The record as it stands is signed off.")
    sign_offs: list[SignOffOut]
    applied_by: UserRef | None
    applied_at: datetime | None
    verified_by: UserRef | None
    verified_at: datetime | None


class PendingSignOffOut(Schema):
    """A correction record waiting for the data owner's sign-off: the version they are
    asked to sign off (decide with `POST /tickets/{ticket}/correction/decision`)."""

    ticket: str = Field(description="The data-correction ticket's reference.")
    title: str
    institution: InstitutionRef
    version: int
    content_hash: str
    written_by: UserRef
    written_at: datetime
    sign_off_requested_at: datetime

    @staticmethod
    def resolve_ticket(record: CorrectionRecord) -> str:
        return record.ticket.reference

    @staticmethod
    def resolve_title(record: CorrectionRecord) -> str:
        return record.ticket.title

    @staticmethod
    def resolve_institution(record: CorrectionRecord) -> object:
        return record.ticket.institution

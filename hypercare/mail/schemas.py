"""API shapes for the mail quarantine. Input schemas list exactly the fields an operation
may set."""

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from hypercare.accounts.schemas import UserRef
from hypercare.api.common import DbId, PageQuery
from hypercare.lib.text import body_text, single_line
from hypercare.mail.choices import InboundStatus, QuarantineStep
from hypercare.mail.quarantine import DISCARD_REASON_MAX


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class MailboxRef(Schema):
    id: int
    name: str
    address: str


class QuarantinedMessageOut(Schema):
    id: int
    status: InboundStatus
    received_at: datetime
    mailbox: MailboxRef | None = Field(description="Empty for mail piped in with no mailbox.")
    sender: str = Field(description="The From address, as far as it could be read.")
    subject: str
    reason: str = Field(description="Why the message was quarantined.")
    size: int = Field(description="Bytes of the raw message.")


class MailAttachmentOut(Schema):
    filename: str
    content_type: str
    size: int
    inline: bool


class QuarantineActionOut(Schema):
    step: QuarantineStep
    actor: UserRef
    at: datetime
    ticket_reference: str | None = Field(description="The ticket the message went to.")
    note: str = Field(description="The reason given for a discard.")


class QuarantinedMessageDetailOut(QuarantinedMessageOut):
    message_id: str
    ticket_reference: str | None = Field(description="The ticket the message became or joined.")
    text: str = Field(description="The message's text, as plain text; empty when unreadable.")
    problem: str = Field(description="Why the message cannot be read; empty when it can.")
    attachments: list[MailAttachmentOut]
    actions: list[QuarantineActionOut] = Field(description="What people did with it, oldest first.")


class QuarantineQuery(PageQuery):
    reason: Annotated[str, single_line(max_length=200)] = Field(
        "", description="Words the reason contains."
    )
    mailbox: DbId | None = Field(None, description="Only messages received by this mailbox.")


class AttachIn(_Input):
    ticket: Annotated[str, single_line(min_length=1, max_length=30)] = Field(
        examples=["HC-000123"], description="The ticket's reference."
    )


class OpenTicketIn(_Input):
    institution_id: DbId
    requester_id: DbId = Field(description="An active user of that institution.")


class DiscardIn(_Input):
    reason: Annotated[str, body_text(min_length=1, max_length=DISCARD_REASON_MAX)]

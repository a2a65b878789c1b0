"""API shapes of an integration ticket's work. Input schemas list exactly the fields an
operation may set."""

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from hypercare.api.common import DbId
from hypercare.integrations.services import REFERENCE_MAX, TEXT_MAX
from hypercare.lib.text import body_text, single_line


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class TraceIn(_Input):
    transaction_reference: Annotated[str, single_line(max_length=REFERENCE_MAX)] = Field(
        default="", description="Defaults to the reference the requester gave."
    )
    finding: Annotated[str, body_text(min_length=1, max_length=TEXT_MAX)]


class ContactRequestIn(_Input):
    contact_id: DbId = Field(description="One of the ticket's integration's contacts.")
    message: Annotated[str, body_text(min_length=1, max_length=TEXT_MAX)]


class PersonRef(Schema):
    id: int
    username: str
    display_name: str


class ContactOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    organisation: str


class IntegrationOut(Schema):
    id: int
    name: str
    kind: str
    provider: str


class TraceOut(Schema):
    id: int
    transaction_reference: str
    finding: str
    traced_by: PersonRef
    traced_at: datetime


class ContactRequestOut(Schema):
    id: int
    contact: ContactOut
    to_email: str
    message: str
    asked_by: PersonRef
    asked_at: datetime


class IntegrationWorkOut(Schema):
    integration: IntegrationOut | None
    contacts: list[ContactOut]
    traces: list[TraceOut]
    requests: list[ContactRequestOut]

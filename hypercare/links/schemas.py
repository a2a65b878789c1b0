"""API shapes for links. Input schemas list exactly the fields an operation may set."""

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from hypercare.api.common import DbId
from hypercare.lib.text import body_text, single_line
from hypercare.links.choices import LinkKind
from hypercare.links.selectors import LinkView
from hypercare.links.services import REASON_MAX
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.intake import TITLE_MAX

TicketName = Annotated[
    str,
    single_line(min_length=1, max_length=20),
    Field(description="The other ticket, by reference (HC-000123) or id."),
]


class _Input(Schema):
    # A ticket is named by reference or by id, and an id may come as a number.
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


class LinkedTicketOut(Schema):
    id: int
    reference: str
    title: str
    status: Status


class LinkOut(Schema):
    """A link as the ticket it was asked of shows it."""

    id: int
    kind: LinkKind = Field(description="The kind, read from the link's source to its target.")
    reading: str = Field(
        description='What the other ticket is to this one: "duplicate of", "duplicated by", '
        '"caused by", "cause of", "parent of", "child of" or "related to".'
    )
    ticket: LinkedTicketOut = Field(description="The other ticket.")
    merged: bool = Field(description="This link is a merge: the duplicate's replies go on.")
    created_at: datetime

    @staticmethod
    def resolve_id(view: LinkView) -> int:
        return view.link.pk

    @staticmethod
    def resolve_kind(view: LinkView) -> str:
        return view.link.kind

    @staticmethod
    def resolve_ticket(view: LinkView) -> Ticket:
        return view.other

    @staticmethod
    def resolve_created_at(view: LinkView) -> datetime:
        return view.link.created_at


class LinkIn(_Input):
    kind: LinkKind = Field(
        description="What this ticket is to the other: related to, duplicate of, caused by, "
        "or parent of it (the other ticket is then its child)."
    )
    ticket: TicketName


class MergeIn(_Input):
    survivor: TicketName = Field(
        description="The ticket this duplicate is merged into, by reference or id."
    )
    reason: Annotated[str, body_text(max_length=REASON_MAX)] = ""


class SplitIn(_Input):
    event_id: DbId = Field(description="The public message (a reply) the new ticket is made of.")
    title: Annotated[str, single_line(min_length=1, max_length=TITLE_MAX)]

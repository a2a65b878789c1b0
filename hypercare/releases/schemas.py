"""API shapes for releases. Input schemas list exactly the fields an operation may set."""

from datetime import date, datetime

from ninja import Schema
from pydantic import ConfigDict, Field

from hypercare.api.common import DbId
from hypercare.releases.models import VERSION_MAX
from hypercare.releases.services import NOTES_MAX


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class ReleaseOut(Schema):
    id: int
    version: str
    planned_date: date | None
    shipped_at: datetime | None = Field(description="Empty until the release ships.")
    notes: str
    created_at: datetime


class ReleaseDetailOut(ReleaseOut):
    ticket_count: int = Field(
        description="Tickets planned for this release that you may see; list them with "
        "GET /tickets?release={id}."
    )


class ReleaseCreateIn(_Input):
    version: str = Field(min_length=1, max_length=VERSION_MAX, examples=["2025.3"])
    planned_date: date | None = None
    notes: str = Field("", max_length=NOTES_MAX)


class TicketReleaseIn(_Input):
    """The release the ticket's fix ships in; null takes the ticket off its release."""

    release_id: DbId | None

"""API shapes for releases. Input schemas list exactly the fields an operation may set."""

from datetime import date, datetime
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from hypercare.api.common import DbId
from hypercare.lib.text import body_text
from hypercare.releases.models import VERSION_CHARACTERS, VERSION_MAX
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
    # The model's version format, which holds no control character.
    version: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True,
            min_length=1,
            max_length=VERSION_MAX,
            pattern=f"^{VERSION_CHARACTERS}$",
        ),
    ] = Field(
        examples=["2025.3"],
        description="Letters, digits, dots, dashes, plus signs or underscores, starting with "
        "a letter or digit; unique among releases whatever its case (2025.3 and 2025.3 again, "
        "or v1 and V1, are one version).",
    )
    planned_date: date | None = Field(
        None, description="The day it is planned to ship (not checked against today)."
    )
    notes: Annotated[str, body_text(max_length=NOTES_MAX)] = Field(
        "", description="Release notes. Every institution reads them: name none."
    )


class TicketReleaseIn(_Input):
    """The release the ticket's fix ships in; null takes the ticket off its release."""

    release_id: DbId | None

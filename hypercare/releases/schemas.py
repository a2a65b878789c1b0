"""API shapes for releases. Input schemas list exactly the fields an operation may set."""

from datetime import date, datetime
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from hypercare.api.common import DbId
from hypercare.lib.text import body_text, single_line
from hypercare.releases.models import ITEM_TEXT_MAX, VERSION_CHARACTERS, VERSION_MAX
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


class NoteItemOut(Schema):
    id: int
    source: str = Field(description='What the release resolves: "ticket", "problem", …')
    reference: str
    text: str
    edited: bool = Field(description="Worded by a manager; compiling again keeps the wording.")


class NoteGroupOut(Schema):
    module: str = Field(description='The module\'s name; "Other" for items of none.')
    items: list[NoteItemOut]


class ReleaseNotesOut(Schema):
    release_id: int
    version: str
    shipped_at: datetime | None = Field(description="Empty until it ships; then final.")
    notes: str = Field(description="The general notes, which every institution reads.")
    compiled_at: datetime | None = Field(description="When the items were last compiled.")
    groups: list[NoteGroupOut] = Field(
        description="The items you may read, by module: support staff read every one; an "
        "institution's people only those concerning their institution."
    )


class ReleaseNotesIn(_Input):
    notes: Annotated[str, body_text(max_length=NOTES_MAX)] = Field(
        description="The general notes. Every institution reads them: name none."
    )


class NoteItemIn(_Input):
    text: Annotated[str, single_line(min_length=1, max_length=ITEM_TEXT_MAX)] = Field(
        description="The item's line, as institutions will read it."
    )

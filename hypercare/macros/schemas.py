"""API shapes for macros. Input schemas list exactly the fields an operation may set."""

from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from hypercare.api.common import DbId
from hypercare.lib.text import body_text, single_line
from hypercare.macros.models import DESCRIPTION_MAX, NAME_MAX, NOTE_MAX
from hypercare.macros.services import TAGS_MAX
from hypercare.tags.models import NAME_MAX as TAG_MAX

TagName = Annotated[str, single_line(min_length=1, max_length=TAG_MAX)]
# A choice or empty (the step not taken); the service names a value that is neither.
Choice = Annotated[str, single_line(max_length=30)]


class MacroOut(Schema):
    id: int
    name: str
    description: str
    status: str
    priority: str
    team_id: int | None
    tags_to_add: list[str]
    tags_to_remove: list[str]
    saved_reply_id: int | None
    note: str


class MacroIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, single_line(min_length=1, max_length=NAME_MAX)]
    description: Annotated[str, single_line(max_length=DESCRIPTION_MAX)] = ""
    status: Choice = Field("", description="Empty: the macro leaves the status alone.")
    priority: Choice = ""
    team_id: DbId | None = None
    tags_to_add: list[TagName] = Field(default_factory=list, max_length=TAGS_MAX)
    tags_to_remove: list[TagName] = Field(default_factory=list, max_length=TAGS_MAX)
    saved_reply_id: DbId | None = None
    note: Annotated[str, body_text(max_length=NOTE_MAX)] = Field(
        "", description="An internal note the macro adds."
    )


class AppliedOut(Schema):
    macro: str
    done: list[str] = Field(description="What each step did, in the order they ran.")

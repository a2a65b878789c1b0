"""API shapes for tags. Input schemas list exactly the fields an operation may set."""

from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from hypercare.api.common import DbId
from hypercare.lib.text import single_line
from hypercare.tags.models import NAME_MAX

TagName = Annotated[
    str,
    single_line(min_length=1, max_length=NAME_MAX),
    Field(description="Any case and spacing: stored in lower case, spaces collapsed."),
]


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class TagOut(Schema):
    id: int
    name: str


class TagUseOut(TagOut):
    tickets: int = Field(description="How many tickets carry the tag.")


class TagIn(_Input):
    name: TagName


class MergeTagIn(_Input):
    into: DbId = Field(description="The tag that every ticket gets instead; this one goes.")

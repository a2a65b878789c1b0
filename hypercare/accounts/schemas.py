"""API shapes for people, shared by every app that names a person."""

from ninja import Schema
from pydantic import Field


class UserRef(Schema):
    id: int
    username: str
    name: str = Field(validation_alias="display_name")

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Schema

from hypercare.api.common import DbId, PageQuery
from hypercare.audit.choices import Action, Area, Channel
from hypercare.lib.text import single_line


class AuditEntryOut(Schema):
    id: int
    at: datetime
    actor_id: int | None = Field(description="The person who acted; empty for the shell.")
    who: str = Field(description="The person's name, else the door: shell.")
    channel: Channel
    area: Area
    record_type: str = Field(description="The record's model, e.g. sla.slapolicy.")
    record_type_name: str
    record_id: str
    record_label: str = Field(description="How the record read when it changed.")
    person_id: int | None = Field(description="The person a role grant concerns.")
    action: Action
    before: dict[str, Any] = Field(description="The changed fields' values before; secrets hidden.")
    after: dict[str, Any] = Field(description="The changed fields' values after; secrets hidden.")


class AuditQuery(PageQuery):
    area: Area | None = Field(None, description="Only this part of the configuration.")
    record_type: Annotated[str, single_line(max_length=100)] = Field(
        "", description="Only this kind of record, e.g. sla.slapolicy."
    )
    actor: DbId | None = Field(None, description="Only changes this person made.")
    since: date | None = Field(None, description="From this day, in the reader's time zone.")
    until: date | None = Field(None, description="To this day included.")
    text: Annotated[str, single_line(max_length=200)] = Field(
        "", description="Words in the record's label, type or the actor's name."
    )


class RoleSpellOut(Schema):
    role: str
    granted_at: datetime | None = Field(description="Empty when unknown (before the audit).")
    granted_by: str = Field(description="Who granted it; empty when unknown.")
    revoked_at: datetime | None = Field(description="Empty while the role is held.")
    revoked_by: str

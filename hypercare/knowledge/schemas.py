"""API shapes of training gaps. Input schemas list exactly the fields an operation may set."""

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from hypercare.knowledge.models import ROLE_MAX, TOPIC_MAX, TrainingGap
from hypercare.knowledge.services import NOTE_MAX
from hypercare.lib.text import body_text, single_line
from hypercare.orgs.choices import ModuleCode


class TrainingGapIn(Schema):
    model_config = ConfigDict(extra="forbid")

    topic: Annotated[str, single_line(min_length=1, max_length=TOPIC_MAX)]
    erp_role: Annotated[str, single_line(max_length=ROLE_MAX)] = Field(
        "", description="Who needs the training; by default the requester's ERP role."
    )
    module: ModuleCode | None = Field(None, description="By default the ticket's module.")
    note: Annotated[str, body_text(max_length=NOTE_MAX)] = ""


class TrainingGapQuery(Schema):
    module: ModuleCode | None = None
    erp_role: Annotated[str, single_line(max_length=ROLE_MAX)] = ""


class TrainingGapOut(Schema):
    ticket: str
    institution: str
    module: str = Field(alias="module_code")
    erp_role: str
    topic: str
    note: str
    flagged_by: str
    flagged_at: datetime

    @staticmethod
    def resolve_ticket(gap: TrainingGap) -> str:
        return gap.ticket.reference

    @staticmethod
    def resolve_institution(gap: TrainingGap) -> str:
        return gap.institution.name

    @staticmethod
    def resolve_flagged_by(gap: TrainingGap) -> str:
        return gap.flagged_by.display_name

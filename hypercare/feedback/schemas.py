"""API shapes of product feedback. Input schemas list exactly the fields an operation may
set; who voted and which tickets ask are filled in for support staff only."""

from datetime import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field

from hypercare.api.common import DbId, actor
from hypercare.feedback import selectors
from hypercare.feedback.choices import IdeaStatus
from hypercare.feedback.models import TITLE_MAX, Idea
from hypercare.feedback.services import TEXT_MAX, status_sentence
from hypercare.lib.text import body_text, single_line
from hypercare.orgs.choices import ModuleCode


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


Title = Annotated[str, single_line(min_length=1, max_length=TITLE_MAX)]
Description = Annotated[str, body_text(min_length=1, max_length=TEXT_MAX)]


class IdeaQuery(Schema):
    q: Annotated[str, single_line(max_length=200)] = Field(
        "", description="Words found in the title or description."
    )
    status: IdeaStatus | None = None
    module: ModuleCode | None = None


class IdeaCreateIn(_Input):
    title: Title
    description: Description
    module: ModuleCode
    ticket: Annotated[str, single_line(max_length=20)] = Field(
        "", description="An enhancement ticket (HC-000123) asking for it: its first."
    )


class IdeaEditIn(_Input):
    title: Title
    description: Description
    module: ModuleCode


class IdeaStatusIn(_Input):
    status: IdeaStatus
    release_id: DbId | None = Field(
        None, description="Needed to plan it (a release not shipped) or to mark it shipped."
    )
    reason: Annotated[str, body_text(max_length=TEXT_MAX)] = Field(
        "", description="Needed to decline it: the requesters read it."
    )


class TicketIn(_Input):
    ticket: Annotated[str, single_line(min_length=1, max_length=20)] = Field(
        description="An enhancement ticket (HC-000123) to record as asking for this idea."
    )


class MergeIn(_Input):
    survivor_id: DbId = Field(description="The idea this duplicate is merged into.")


class VoteOut(Schema):
    institution: str
    voted_at: datetime


class IdeaTicketOut(Schema):
    reference: str
    title: str
    institution: str

    @staticmethod
    def resolve_institution(ticket: Any) -> str:
        return str(ticket.institution.name)


class IdeaOut(Schema):
    id: int
    reference: str
    title: str
    description: str
    module: str = Field(alias="module_code")
    status: IdeaStatus
    status_said: str = Field(description="The status as requesters read it.")
    release: str | None
    decline_reason: str
    vote_count: int = Field(description="How many institutions asked for it.")
    voted: bool = Field(description="Whether your institution voted for it.")
    merged_into: str | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_status_said(idea: Idea) -> str:
        return status_sentence(idea)

    @staticmethod
    def resolve_release(idea: Idea) -> str | None:
        return idea.release.version if idea.release else None

    @staticmethod
    def resolve_merged_into(idea: Idea) -> str | None:
        return idea.merged_into.reference if idea.merged_into else None


class IdeaDetailOut(IdeaOut):
    votes: list[VoteOut] = Field(description="Which institutions voted: support staff only.")
    tickets: list[IdeaTicketOut] = Field(description="The tickets asking for it that you see.")

    @staticmethod
    def resolve_votes(idea: Idea, context: dict[str, Any]) -> list[dict[str, Any]]:
        votes = selectors.idea_votes(actor(context["request"]), idea)
        return [{"institution": vote.institution.name, "voted_at": vote.voted_at} for vote in votes]

    @staticmethod
    def resolve_tickets(idea: Idea, context: dict[str, Any]) -> list[Any]:
        return list(selectors.idea_tickets(actor(context["request"]), idea))

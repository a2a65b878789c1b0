"""API shapes of satisfaction surveys. The answer through the mailed link says nothing
the link's holder did not know: the ticket's reference and their own answer."""

from datetime import date, datetime
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from hypercare.lib.text import body_text, single_line
from hypercare.surveys.choices import RATING_MAX, RATING_MIN
from hypercare.surveys.models import Survey
from hypercare.surveys.selectors import ResultRow
from hypercare.surveys.services import COMMENT_MAX


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


Rating = Annotated[int, Field(ge=RATING_MIN, le=RATING_MAX, description="1 (poor) to 5 (great).")]
Comment = Annotated[str, body_text(max_length=COMMENT_MAX)]


class AnswerIn(_Input):
    rating: Rating
    comment: Comment = ""


class LinkAnswerIn(AnswerIn):
    token: Annotated[str, single_line(min_length=1, max_length=500)] = Field(
        description="The signed token of the survey link mailed to the requester."
    )


class SurveyOut(Schema):
    ticket: str
    sent_at: datetime
    answered_at: datetime | None
    rating: int | None
    comment: str

    @staticmethod
    def resolve_ticket(survey: Survey) -> str:
        return survey.ticket.reference


class ResultsQuery(Schema):
    since: date | None = Field(None, description="Surveys sent on or after this day.")
    until: date | None = Field(None, description="Surveys sent on or before this day.")


class ResultRowOut(Schema):
    label: str
    sent: int
    answered: int
    average: float | None = Field(description="The average rating; null when none answered.")
    response_rate: float = Field(description="Answered out of sent, from 0 to 1.")

    @staticmethod
    def resolve_response_rate(row: ResultRow) -> float:
        return round(row.response_rate, 4)


class CommentOut(Schema):
    ticket: str
    institution: str
    rating: int | None
    comment: str
    answered_at: datetime | None

    @staticmethod
    def resolve_ticket(survey: Survey) -> str:
        return survey.ticket.reference

    @staticmethod
    def resolve_institution(survey: Survey) -> str:
        return survey.ticket.institution.name


class ResultsOut(Schema):
    total: ResultRowOut
    by_team: list[ResultRowOut]
    by_agent: list[ResultRowOut]
    by_module: list[ResultRowOut]
    by_category: list[ResultRowOut]
    by_institution: list[ResultRowOut]
    comments: list[CommentOut]

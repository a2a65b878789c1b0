"""Satisfaction survey endpoints: thin adapters over the survey services and selectors.

``POST /surveys/answer`` is the one endpoint without authentication: its signed token
is the credential, and it answers once."""

from django.http import HttpRequest
from ninja import Query, Router

from hypercare.api.common import actor, errors, refuse_unknown_query
from hypercare.errors import NotFound
from hypercare.surveys import links, selectors, services
from hypercare.surveys.models import Survey
from hypercare.surveys.schemas import (
    AnswerIn,
    LinkAnswerIn,
    ResultsOut,
    ResultsQuery,
    SurveyOut,
)
from hypercare.tickets.selectors import get_visible_ticket_by_ref

router = Router(tags=["surveys"])
NO_SURVEY = "No such ticket, or it has no survey you may see."
LINK_NOT_VALID = f"{links.NOT_VALID} Also for a link naming another ticket's survey."
REPLAYED = "The survey was already answered: a link answers once."


def _visible_survey(request: HttpRequest, ref: str) -> Survey:
    user = actor(request)
    survey = selectors.survey_of_ticket(user, get_visible_ticket_by_ref(user, ref))
    if survey is None:
        raise NotFound(NO_SURVEY)
    return survey


@router.get("/surveys/results", response={200: ResultsOut, **errors(401, 403, 422)})
def survey_results(request: HttpRequest, query: Query[ResultsQuery]) -> dict[str, object]:
    """Ratings overall and per team, agent, module, category and institution; support
    managers read every team's, a team lead their own teams'."""
    refuse_unknown_query(request, ResultsQuery.model_fields)
    results = selectors.survey_results(
        actor(request), selectors.Period(since=query.since, until=query.until)
    )
    return {
        "total": results.total,
        **{f"by_{dimension}": rows for dimension, rows in results.by.items()},
        "comments": results.comments,
    }


@router.post(
    "/surveys/answer",
    auth=None,
    response={
        200: SurveyOut,
        **errors(422, not_found=LINK_NOT_VALID, conflict=REPLAYED),
    },
)
def answer_by_link(request: HttpRequest, payload: LinkAnswerIn) -> Survey:
    """Answer a survey with the token of its mailed link, without signing in. An expired
    token is refused on ``token`` (422)."""
    return services.answer_by_link(
        token=payload.token, rating=payload.rating, comment=payload.comment
    )


@router.get("/tickets/{ref}/survey", response={200: SurveyOut, **errors(401, not_found=NO_SURVEY)})
def ticket_survey(request: HttpRequest, ref: str) -> Survey:
    """The ticket's survey, for whoever sees the ticket."""
    return _visible_survey(request, ref)


@router.post(
    "/tickets/{ref}/survey",
    response={
        200: SurveyOut,
        **errors(
            401,
            422,
            forbidden=services.ANSWER_REFUSED,
            not_found=NO_SURVEY,
            conflict=services.ALREADY_ANSWERED,
        ),
    },
)
def answer_ticket_survey(request: HttpRequest, ref: str, payload: AnswerIn) -> Survey:
    """The signed-in requester answers their ticket's survey."""
    survey = _visible_survey(request, ref)
    return services.answer_survey(
        ticket=survey.ticket, actor=actor(request), rating=payload.rating, comment=payload.comment
    )

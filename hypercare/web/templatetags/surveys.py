"""Satisfaction surveys in templates: the ticket page's panel (both sides of the desk)
and whether the reader has the results page."""

from typing import Any

from django import template

from hypercare import access
from hypercare.accounts.models import User
from hypercare.surveys.selectors import survey_of_ticket
from hypercare.tickets.models import Ticket
from hypercare.web.surveys.forms import AnswerForm

register = template.Library()


@register.inclusion_tag("web/surveys/_panel.html")
def survey_panel(user: User, ticket: Ticket) -> dict[str, Any]:
    """The rating and comment once answered; the question for its requester until then."""
    survey = survey_of_ticket(user, ticket)
    can_answer = (
        survey is not None and survey.answered_at is None and access.can_answer_survey(user, survey)
    )
    return {
        "survey": survey,
        "ticket": ticket,
        "form": AnswerForm(auto_id="id_survey-%s") if can_answer else None,
    }


@register.simple_tag
def reads_survey_results(user: User) -> bool:
    return access.can_read_survey_results(user)

"""The survey's answer on its ticket's timeline, written by the survey services. Internal:
the rating is for support staff; the requester sees their own answer on the survey.
Asking leaves no entry: the survey row records when, and a resolution's timeline stays
the lifecycle's own."""

from datetime import datetime

from hypercare.accounts.models import User
from hypercare.surveys.choices import SurveyTicketEventKind
from hypercare.surveys.models import Survey
from hypercare.tickets.event_kinds import Sentence
from hypercare.tickets.events import append
from hypercare.tickets.models import TicketEvent


def record_answered(survey: Survey, actor: User, at: datetime) -> TicketEvent:
    return append(
        survey.ticket,
        SurveyTicketEventKind.SURVEY_ANSWERED,
        actor,
        at,
        is_internal=True,
        new_value=str(survey.rating),
        body=survey.comment,
    )


SENTENCES: dict[str, Sentence] = {
    SurveyTicketEventKind.SURVEY_ANSWERED: lambda actor, event: (
        f"{actor} rated the support {event.new_value} out of 5"
    ),
}

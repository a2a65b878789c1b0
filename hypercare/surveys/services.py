"""Write use cases of satisfaction surveys: ask on resolution (a step inside the
resolving transaction), answer through the signed link or signed in."""

from datetime import timedelta

from django.conf import settings

from hypercare import access
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.selectors import support_staff
from hypercare.errors import InvalidTransition, NotFound
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import notify
from hypercare.surveys import events, links
from hypercare.surveys.choices import RATING_MAX, RATING_MIN, Channel
from hypercare.surveys.models import Survey
from hypercare.surveys.selectors import survey_for_link
from hypercare.tickets.models import Ticket, TicketEvent
from hypercare.tickets.services.common import require

COMMENT_MAX = 2000
ANSWER_REFUSED = "Only the requester of the ticket answers its survey."
ALREADY_ANSWERED = "This survey was already answered; thank you."
NO_SURVEY = "This ticket has no satisfaction survey."


def ask_for_rating(ticket: Ticket, event: TicketEvent) -> None:
    """The resolution step: create the ticket's survey and mail its link to the requester.

    Nobody is asked when the institution switched surveys off, when the requester's
    account is closed, when the ticket was surveyed before (reopened and resolved
    again), or when the requester was asked
    within the last ``HYPERCARE_SURVEY_EVERY_DAYS`` days: a busy requester is asked
    about one ticket, not every one.
    """
    if not ticket.institution.surveys_enabled or not ticket.requester.is_active:
        return
    if Survey.objects.filter(ticket=ticket).exists():
        return
    at = event.created_at
    since = at - timedelta(days=settings.HYPERCARE_SURVEY_EVERY_DAYS)
    if Survey.objects.filter(requester_id=ticket.requester_id, sent_at__gt=since).exists():
        return
    survey = Survey.objects.create(
        ticket=ticket,
        requester_id=ticket.requester_id,
        team_id=ticket.team_id,
        agent_id=ticket.assignee_id,
        sent_at=at,
    )
    notify(
        event=NotificationEvent.SURVEY_REQUEST,
        ticket=ticket,
        recipients=[ticket.requester],
        cause=f"survey:{survey.pk}",
        context={
            "survey_link": links.survey_url(survey),
            "link_days": settings.HYPERCARE_SURVEY_LINK_DAYS,
        },
    )


def answer_by_link(*, token: str, rating: int, comment: str = "") -> Survey:
    """Answer through the mailed link, without signing in: the link names the survey
    and its ticket, and answers once."""
    survey = survey_for_link(token)
    return _answer(survey, survey.requester, rating, comment, Channel.LINK)


def answer_survey(*, ticket: Ticket, actor: User, rating: int, comment: str = "") -> Survey:
    """The signed-in requester answers their ticket's survey from the portal."""
    survey = Survey.objects.filter(ticket=ticket).first()
    if survey is None:
        raise NotFound(NO_SURVEY)
    require(access.can_answer_survey(actor, survey), ANSWER_REFUSED)
    return _answer(survey, actor, rating, comment, Channel.PORTAL)


def _answer(survey: Survey, actor: User, rating: int, comment: str, channel: str) -> Survey:
    errors = FieldErrors()
    if not RATING_MIN <= rating <= RATING_MAX:
        errors.add("rating", f"must be a whole number from {RATING_MIN} to {RATING_MAX}")
    said = errors.text("comment", comment, COMMENT_MAX, required=False)
    errors.check()
    with use_case():
        # Only the survey row is locked: its team is nullable, and PostgreSQL refuses
        # FOR UPDATE on the nullable side of the outer join select_related makes.
        survey = (
            Survey.objects.select_for_update(of=("self",))
            .select_related("ticket", "team")
            .get(pk=survey.pk)
        )
        if survey.answered_at is not None:
            raise InvalidTransition(ALREADY_ANSWERED)
        at = clock.now()
        survey.rating, survey.comment, survey.answered_at, survey.channel = (
            rating,
            said,
            at,
            channel,
        )
        survey.save(update_fields=["rating", "comment", "answered_at", "channel"])
        event = events.record_answered(survey, actor, at)
        if rating <= settings.HYPERCARE_SURVEY_LOW_RATING:
            _tell_of_low_rating(survey, event)
    return survey


def _tell_of_low_rating(survey: Survey, event: TicketEvent) -> None:
    """A low rating goes to the lead of the team that resolved the ticket; without a team
    or a lead, to the support managers, so that it never reaches nobody."""
    lead = survey.team.lead if survey.team is not None else None
    recipients = [lead] if lead is not None else list(support_staff(Role.SUPPORT_MANAGER))
    notify(
        event=NotificationEvent.SURVEY_LOW_RATING,
        ticket=survey.ticket,
        recipients=recipients,
        cause=f"event:{event.pk}",
        context={"survey": survey},
    )

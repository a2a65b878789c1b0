"""Surveys through the services: asked on resolution once per ticket, at most once per
N days per requester, never where the institution switched them off; answered once,
through a signed link that expires and names one ticket; a low rating told to the lead."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import signing
from django.test import override_settings

from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.models import Institution, Team
from hypercare.surveys import links
from hypercare.surveys.choices import Channel, SurveyTicketEventKind
from hypercare.surveys.models import Survey
from hypercare.surveys.services import answer_by_link, answer_survey
from hypercare.tickets.choices import Status
from hypercare.tickets.services.workflow import change_status
from tests import factories
from tests.surveys.conftest import resolve


def test_resolving_a_ticket_asks_its_requester_by_mail_with_a_signed_link(
    survey: Survey, requester: User, agent: User, desk_team: Team
) -> None:
    assert (survey.requester, survey.agent, survey.team) == (requester, agent, desk_team)
    mail = OutboxMessage.objects.get(event=NotificationEvent.SURVEY_REQUEST)
    assert mail.recipient == requester
    assert links.survey_url(survey) in mail.body


def test_a_ticket_resolved_again_is_not_asked_twice(survey: Survey, agent: User) -> None:
    ticket = change_status(ticket=survey.ticket, actor=agent, status=Status.IN_PROGRESS)
    change_status(ticket=ticket, actor=agent, status=Status.RESOLVED)
    assert Survey.objects.count() == 1
    assert OutboxMessage.objects.filter(event=NotificationEvent.SURVEY_REQUEST).count() == 1


def test_an_institution_with_surveys_off_is_not_asked(
    institution: Institution, requester: User, agent: User
) -> None:
    Institution.objects.filter(pk=institution.pk).update(surveys_enabled=False)
    resolve(factories.ticket(requester), agent)
    assert not Survey.objects.exists()


@override_settings(HYPERCARE_SURVEY_EVERY_DAYS=7)
def test_a_requester_is_asked_at_most_once_every_n_days(
    survey: Survey, requester: User, agent: User, time_machine: Any
) -> None:
    time_machine.move_to(survey.sent_at + timedelta(days=6, hours=23), tick=False)
    skipped = resolve(factories.ticket(requester), agent)
    time_machine.move_to(survey.sent_at + timedelta(days=7, minutes=1), tick=False)
    asked = resolve(factories.ticket(requester), agent)
    assert set(Survey.objects.values_list("ticket_id", flat=True)) == {survey.ticket_id, asked.pk}
    assert not Survey.objects.filter(ticket=skipped).exists()


def test_the_link_answers_once(survey: Survey) -> None:
    token = links.token_for(survey)
    answered = answer_by_link(token=token, rating=4, comment="Quick and clear.")
    assert (answered.rating, answered.comment, answered.channel) == (4, "Quick and clear.", "link")
    assert survey.ticket.events.get(kind=SurveyTicketEventKind.SURVEY_ANSWERED).is_internal
    with pytest.raises(InvalidTransition):
        answer_by_link(token=token, rating=1)
    survey.refresh_from_db()
    assert survey.rating == 4


def test_a_tampered_link_or_one_naming_another_ticket_is_not_found(
    survey: Survey, requester: User, agent: User
) -> None:
    other = resolve(factories.ticket(requester, title="Another"), agent)
    swapped = signing.dumps({"survey": survey.pk, "ticket": other.pk}, salt=links.SALT)
    wrong_salt = signing.dumps({"survey": survey.pk, "ticket": survey.ticket_id})
    for token in (swapped, wrong_salt, links.token_for(survey)[:-2] + "xx", "nonsense"):
        with pytest.raises(NotFound):
            answer_by_link(token=token, rating=5)
    assert Survey.objects.get(pk=survey.pk).answered_at is None


@override_settings(HYPERCARE_SURVEY_LINK_DAYS=14)
def test_the_link_expires(survey: Survey, time_machine: Any) -> None:
    token = links.token_for(survey)
    time_machine.move_to(survey.sent_at + timedelta(days=14, minutes=1), tick=False)
    with pytest.raises(ValidationFailed) as refused:
        answer_by_link(token=token, rating=5)
    assert set(refused.value.errors) == {"token"}


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_outside_1_to_5_is_refused(survey: Survey, rating: int) -> None:
    with pytest.raises(ValidationFailed) as refused:
        answer_by_link(token=links.token_for(survey), rating=rating)
    assert set(refused.value.errors) == {"rating"}


def test_only_the_requester_answers_signed_in(
    survey: Survey, requester: User, key_user: User, agent: User
) -> None:
    for other in (key_user, agent):
        with pytest.raises(NotAllowed):
            answer_survey(ticket=survey.ticket, actor=other, rating=5)
    answered = answer_survey(ticket=survey.ticket, actor=requester, rating=5)
    assert answered.channel == Channel.PORTAL


@override_settings(HYPERCARE_SURVEY_LOW_RATING=2)
def test_a_low_rating_tells_the_lead_of_the_team_that_resolved_it(
    survey: Survey, lead: User
) -> None:
    answer_by_link(token=links.token_for(survey), rating=2, comment="Took a week.")
    mail = OutboxMessage.objects.get(event=NotificationEvent.SURVEY_LOW_RATING)
    assert mail.recipient == lead
    assert "Took a week." in mail.body


def test_a_good_rating_tells_nobody(survey: Survey) -> None:
    answer_by_link(token=links.token_for(survey), rating=3)
    assert not OutboxMessage.objects.filter(event=NotificationEvent.SURVEY_LOW_RATING).exists()


def test_a_low_rating_without_a_team_lead_goes_to_the_support_managers(
    requester: User, agent: User, manager: User
) -> None:
    ticket = resolve(factories.ticket(requester), agent)
    answer_by_link(token=links.token_for(Survey.objects.get(ticket=ticket)), rating=1)
    mail = OutboxMessage.objects.get(event=NotificationEvent.SURVEY_LOW_RATING)
    assert mail.recipient == manager


def test_a_requester_whose_account_is_closed_is_not_asked(requester: User, agent: User) -> None:
    ticket = factories.ticket(requester)
    User.objects.filter(pk=requester.pk).update(is_active=False)
    ticket.refresh_from_db()
    resolve(ticket, agent)
    assert not Survey.objects.exists()

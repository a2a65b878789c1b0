"""Surveys on the web: the link's page needs no sign-in and answers once; tampering is
a clear 404 page; the requester answers from the portal; the desk shows the answer;
the results page is for managers and team leads."""

from datetime import timedelta
from typing import Any

from django.core import signing
from django.test import Client, override_settings

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from hypercare.surveys import links
from hypercare.surveys.models import Survey
from tests import factories
from tests.surveys.conftest import resolve
from tests.web.conftest import signed_in


def test_the_link_page_asks_without_sign_in_and_then_says_already_answered(
    survey: Survey,
) -> None:
    url = f"/surveys/{links.token_for(survey)}/"
    browser = Client()
    assert 'name="rating"' in browser.get(url).content.decode()
    answered = browser.post(url, {"rating": "5", "comment": "Thanks!"}, follow=True)
    page = answered.content.decode()
    assert "already answered" in page
    assert 'name="rating"' not in page
    again = browser.post(url, {"rating": "1"})
    assert again.status_code == 409
    assert Survey.objects.get(pk=survey.pk).rating == 5


def test_a_tampered_or_swapped_link_is_a_clear_404(
    survey: Survey, requester: User, agent: User
) -> None:
    other = resolve(factories.ticket(requester, title="Another"), agent)
    swapped = signing.dumps({"survey": survey.pk, "ticket": other.pk}, salt=links.SALT)
    for token in (swapped, "garbage"):
        page = Client().get(f"/surveys/{token}/")
        assert page.status_code == 404
        assert "not valid" in page.content.decode()


def test_a_missing_rating_is_a_422_naming_it(survey: Survey) -> None:
    page = Client().post(f"/surveys/{links.token_for(survey)}/", {"comment": "Hm"})
    assert page.status_code == 422
    assert "rating" in page.content.decode()


def test_the_requester_answers_on_the_portal_and_the_desk_shows_it(
    survey: Survey, requester: User, agent: User
) -> None:
    pk = survey.ticket_id
    portal = signed_in(requester)
    assert 'id="id_survey-rating_0"' in portal.get(f"/portal/tickets/{pk}/").content.decode()
    answered = portal.post(f"/portal/tickets/{pk}/survey/", {"rating": "3", "comment": "Slow."})
    assert answered.status_code == 302
    desk = signed_in(agent).get(f"/desk/tickets/{pk}/").content.decode()
    assert "3 out of 5" in desk
    assert "Slow." in desk


def test_another_institution_cannot_answer_from_the_portal(survey: Survey, outsider: User) -> None:
    answer = signed_in(outsider).post(
        f"/portal/tickets/{survey.ticket_id}/survey/", {"rating": "1"}
    )
    assert answer.status_code == 404
    assert Survey.objects.get(pk=survey.pk).answered_at is None


def test_the_results_page_shows_managers_the_ratings_and_comments(
    survey: Survey, manager: User, agent: User
) -> None:
    Client().post(f"/surveys/{links.token_for(survey)}/", {"rating": "4", "comment": "Clear."})
    page = signed_in(manager).get("/desk/surveys/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Service desk" in html
    assert "Clear." in html
    assert signed_in(agent).get("/desk/surveys/").status_code == 403


@override_settings(HYPERCARE_SURVEY_LINK_DAYS=14)
def test_an_expired_link_says_so_and_points_to_the_portal(
    survey: Survey, time_machine: Any
) -> None:
    url = f"/surveys/{links.token_for(survey)}/"
    time_machine.move_to(survey.sent_at + timedelta(days=15), tick=False)
    page = Client().get(url)
    assert page.status_code == 422
    assert "expired" in page.content.decode()


def test_surveys_are_switched_off_per_institution_in_the_admin(
    survey: Survey, institution: Institution
) -> None:
    client = Client()
    client.force_login(factories.user(Role.ADMIN, username="sysadmin"))
    url = f"/admin/orgs/institution/{institution.pk}/change/"
    assert 'name="surveys_enabled"' in client.get(url).content.decode()
    assert client.get("/admin/surveys/survey/").status_code == 200

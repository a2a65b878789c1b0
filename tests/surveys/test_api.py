"""Surveys through the API: the link's token answers once without authentication, a
ticket's survey for whoever sees the ticket, the results for managers and team leads."""

from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.models import User
from hypercare.orgs.models import Team
from hypercare.surveys import links
from hypercare.surveys.models import Survey
from tests import factories
from tests.api.conftest import ApiClient
from tests.surveys.conftest import resolve


def test_the_link_token_answers_once_without_authentication(survey: Survey) -> None:
    anonymous = ApiClient(None)
    token = links.token_for(survey)
    first = anonymous.post("/surveys/answer", {"token": token, "rating": 5, "comment": "Great"})
    assert first.status_code == 200
    assert first.json()["rating"] == 5
    replay = anonymous.post("/surveys/answer", {"token": token, "rating": 1})
    assert replay.status_code == 409
    assert Survey.objects.get(pk=survey.pk).rating == 5


def test_a_token_for_another_ticket_or_tampered_is_not_found(
    survey: Survey, requester: User, agent: User
) -> None:
    other = resolve(factories.ticket(requester, title="Another"), agent)
    swapped = signing.dumps({"survey": survey.pk, "ticket": other.pk}, salt=links.SALT)
    anonymous = ApiClient(None)
    for token in (swapped, "HC-1:tampered"):
        assert anonymous.post("/surveys/answer", {"token": token, "rating": 5}).status_code == 404


def test_a_bad_rating_names_the_field(survey: Survey) -> None:
    answer = ApiClient(None).post(
        "/surveys/answer", {"token": links.token_for(survey), "rating": 9}
    )
    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == ["rating"]


def test_the_requester_reads_and_answers_their_tickets_survey(
    survey: Survey, requester: User, key_user: User
) -> None:
    ref = survey.ticket.reference
    client = ApiClient(requester)
    assert client.get(f"/tickets/{ref}/survey").json()["answered_at"] is None
    assert ApiClient(key_user).post(f"/tickets/{ref}/survey", {"rating": 4}).status_code == 403
    answered = client.post(f"/tickets/{ref}/survey", {"rating": 4, "comment": "Fine"})
    assert answered.status_code == 200
    assert client.post(f"/tickets/{ref}/survey", {"rating": 4}).status_code == 409
    assert ApiClient(key_user).get(f"/tickets/{ref}/survey").json()["rating"] == 4


def test_another_institution_never_finds_the_survey(survey: Survey, outsider: User) -> None:
    ref = survey.ticket.reference
    assert ApiClient(outsider).get(f"/tickets/{ref}/survey").status_code == 404
    assert ApiClient(outsider).post(f"/tickets/{ref}/survey", {"rating": 1}).status_code == 404


def test_results_per_team_agent_module_category_and_institution(
    survey: Survey, requester: User, agent: User, desk_team: Team, manager: User
) -> None:
    ApiClient(requester).post(f"/tickets/{survey.ticket.reference}/survey", {"rating": 2})
    results = ApiClient(manager).get("/surveys/results").json()
    assert results["total"] == {
        "label": "All", "sent": 1, "answered": 1, "average": 2.0, "response_rate": 1.0
    }  # fmt: skip
    assert [row["label"] for row in results["by_team"]] == ["Service desk"]
    assert [row["label"] for row in results["by_agent"]] == [agent.display_name]
    assert [row["label"] for row in results["by_module"]] == ["Finance/Accounts"]
    assert [row["label"] for row in results["by_category"]] == ["Question"]
    assert [row["label"] for row in results["by_institution"]] == [survey.ticket.institution.name]
    assert results["comments"] == []


def test_results_filter_by_period(survey: Survey, manager: User) -> None:
    day = survey.sent_at.date().isoformat()
    client = ApiClient(manager)
    assert client.get("/surveys/results", {"since": day, "until": day}).json()["total"]["sent"] == 1
    assert client.get("/surveys/results", {"until": "2025-01-01"}).json()["total"]["sent"] == 0
    assert client.get("/surveys/results", {"since": "soon"}).status_code == 422


def test_a_team_lead_reads_only_their_teams_results(
    survey: Survey, lead: User, other_lead: User, agent: User, requester: User
) -> None:
    assert ApiClient(lead).get("/surveys/results").json()["total"]["sent"] == 1
    assert ApiClient(other_lead).get("/surveys/results").json()["total"]["sent"] == 0
    assert ApiClient(agent).get("/surveys/results").status_code == 403
    assert ApiClient(requester).get("/surveys/results").status_code == 403


def test_results_take_the_same_queries_however_many_surveys(
    survey: Survey, colleague: User, key_user: User, agent: User, manager: User
) -> None:
    client = ApiClient(manager)
    client.get("/surveys/results")
    with CaptureQueriesContext(connection) as few:
        client.get("/surveys/results")
    for person in (colleague, key_user):
        ticket = resolve(factories.ticket(person, title="More"), agent)
        ApiClient(person).post(
            f"/tickets/{ticket.reference}/survey", {"rating": 3, "comment": "ok"}
        )
    with CaptureQueriesContext(connection) as many:
        results = client.get("/surveys/results").json()
    assert results["total"]["answered"] == 2
    assert len(many) == len(few)

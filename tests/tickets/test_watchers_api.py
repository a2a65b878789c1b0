"""Watchers and mentions through the API: every answer is held to the OpenAPI document
(ApiClient), errors name the field, and nothing crosses institutions."""

from datetime import UTC, datetime
from typing import Any

import pytest

from hypercare.accounts.models import User
from hypercare.notifications.models import OutboxMessage
from hypercare.tickets.models import Participant, Ticket
from hypercare.tickets.services.watchers import add_watcher
from tests import factories
from tests.api.conftest import ApiClient


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 3, 3, 9, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def ticket(requester: User) -> Ticket:
    return factories.ticket(requester)


def _fields(response: Any) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_a_requester_adds_lists_and_removes_a_colleague(
    ticket: Ticket, requester: User, colleague: User
) -> None:
    client = ApiClient(requester)

    added = client.post(f"/tickets/{ticket.reference}/watchers", {"user_id": colleague.pk})

    assert added.status_code == 201
    assert added.json()["user"]["username"] == "colleague"
    assert added.json()["added_by"]["id"] == requester.pk
    assert added.json()["is_support_staff"] is False
    listed = client.get(f"/tickets/{ticket.pk}/watchers").json()
    assert [row["user"]["id"] for row in listed] == [colleague.pk]
    assert ApiClient(colleague).get(f"/tickets/{ticket.reference}").status_code == 200

    removed = client.delete(f"/tickets/{ticket.reference}/watchers/{colleague.pk}")
    assert removed.status_code == 204
    assert not Participant.objects.filter(ticket=ticket).exists()
    assert ApiClient(colleague).get(f"/tickets/{ticket.reference}").status_code == 404


def test_another_institutions_person_is_refused_on_the_field_like_a_missing_one(
    ticket: Ticket, requester: User, outsider: User
) -> None:
    client = ApiClient(requester)
    path = f"/tickets/{ticket.reference}/watchers"

    refused = client.post(path, {"user_id": outsider.pk})
    missing = client.post(path, {"user_id": 999_999})

    assert refused.status_code == missing.status_code == 422
    assert _fields(refused) == _fields(missing)
    assert "user" in _fields(refused)
    assert not Participant.objects.exists()


def test_an_outsider_finds_no_ticket_to_watch(
    ticket: Ticket, outsider: User, requester: User
) -> None:
    client = ApiClient(outsider)
    path = f"/tickets/{ticket.reference}/watchers"
    assert client.get(path).status_code == 404
    assert client.post(path, {"user_id": outsider.pk}).status_code == 404
    assert client.delete(f"{path}/{requester.pk}").status_code == 404


def test_support_watchers_are_listed_to_support_staff_only(
    ticket: Ticket, requester: User, agent: User, tier2_agent: User
) -> None:
    added = ApiClient(agent).post(
        f"/tickets/{ticket.reference}/watchers", {"user_id": tier2_agent.pk}
    )
    assert added.status_code == 201
    assert added.json()["is_support_staff"] is True

    path = f"/tickets/{ticket.reference}/watchers"
    assert [row["user"]["id"] for row in ApiClient(agent).get(path).json()] == [tier2_agent.pk]
    assert ApiClient(requester).get(path).json() == []
    assert ApiClient(requester).delete(f"{path}/{tier2_agent.pk}").status_code == 404


def test_a_colleague_may_not_remove_another_watcher(
    ticket: Ticket, requester: User, colleague: User
) -> None:
    third = factories.requester(ticket.institution, username="third")
    for person in (colleague, third):
        ApiClient(requester).post(f"/tickets/{ticket.reference}/watchers", {"user_id": person.pk})

    refused = ApiClient(colleague).delete(f"/tickets/{ticket.reference}/watchers/{third.pk}")

    assert refused.status_code == 403
    assert (
        ApiClient(colleague)
        .delete(f"/tickets/{ticket.reference}/watchers/{colleague.pk}")
        .status_code
        == 204
    )


def test_mentionable_staff_are_listed_to_support_staff_only(
    ticket: Ticket, requester: User, agent: User, tier2_agent: User
) -> None:
    path = f"/tickets/{ticket.reference}/mentionable"

    found = ApiClient(agent).get(path, {"q": "@to"})

    assert found.status_code == 200
    assert [row["username"] for row in found.json()] == ["tomas"]
    assert ApiClient(requester).get(path, {"q": "to"}).status_code == 403
    assert ApiClient(agent).get(path, {"query": "to"}).status_code == 422


def test_a_note_through_the_api_notifies_who_it_mentions(
    ticket: Ticket, agent: User, tier2_agent: User
) -> None:
    made = ApiClient(agent).post(f"/tickets/{ticket.reference}/notes", {"body": "@tomas look"})

    assert made.status_code == 201
    assert list(
        OutboxMessage.objects.filter(event="mentioned").values_list("to_email", flat=True)
    ) == [tier2_agent.email]


@pytest.mark.parametrize("persona", ["requester", "agent"])
def test_the_watchers_list_costs_the_same_queries_however_many_watch(
    requester: User, agent: User, persona: str, django_assert_num_queries: Any
) -> None:
    """Authentication (token, roles), the ticket, the watchers with their people, then
    the watchers' roles (whether each is support staff)."""
    few, many = factories.ticket(requester), factories.ticket(requester)
    assert requester.institution is not None
    add_watcher(ticket=few, actor=agent, watcher=factories.requester(requester.institution))
    for _ in range(6):
        add_watcher(ticket=many, actor=agent, watcher=factories.requester(requester.institution))
    client = ApiClient(requester if persona == "requester" else agent)
    client.get(f"/tickets/{few.pk}/watchers")

    with django_assert_num_queries(5):
        one = client.get(f"/tickets/{few.pk}/watchers")
    with django_assert_num_queries(5):
        six = client.get(f"/tickets/{many.pk}/watchers")

    assert (len(one.json()), len(six.json())) == (1, 6)

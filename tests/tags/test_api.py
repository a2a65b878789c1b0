"""Tags through the API: every answer is held to the OpenAPI document (ApiClient), who
may do what, and clear errors naming the field."""

from datetime import UTC, datetime
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.tags.models import Tag, Tagging
from hypercare.tags.services import add_tag
from tests import factories
from tests.api.conftest import ApiClient


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), tick=False)


def _fields(response: Any) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_an_agent_tags_lists_filters_and_untags(requester: User, agent: User) -> None:
    ticket, other = factories.ticket(requester), factories.ticket(requester)
    client = ApiClient(agent)

    made = client.post(f"/tickets/{ticket.reference}/tags", {"name": "Vendor  Bug"})
    again = client.post(f"/tickets/{other.pk}/tags", {"name": "vendor bug"})

    assert made.status_code == again.status_code == 201
    assert made.json()["name"] == "vendor bug"
    assert made.json()["id"] == again.json()["id"]
    assert client.get("/tags").json() == [
        {"id": made.json()["id"], "name": "vendor bug", "tickets": 2}
    ]
    assert [tag["name"] for tag in client.get(f"/tickets/{ticket.pk}/tags").json()] == [
        "vendor bug"
    ]
    listed = client.get("/tickets", {"tag": ["vendor bug", "nothing"]}).json()["results"]
    assert {row["id"] for row in listed} == {ticket.pk, other.pk}

    gone = client.delete(f"/tickets/{ticket.pk}/tags/{made.json()['id']}")

    assert gone.status_code == 204
    assert client.get(f"/tickets/{ticket.pk}/tags").json() == []
    assert Tagging.objects.count() == 1


def test_tag_errors_name_the_field(requester: User, agent: User) -> None:
    ticket = factories.ticket(requester)
    client = ApiClient(agent)

    empty = client.post(f"/tickets/{ticket.pk}/tags", {"name": ""})
    long = client.post(f"/tickets/{ticket.pk}/tags", {"name": "x" * 51})
    extra = client.post(f"/tickets/{ticket.pk}/tags", {"name": "fees", "colour": "red"})
    filtered = client.get("/tickets", {"tag": "x" * 51})

    for answer in (empty, long, extra, filtered):
        assert answer.status_code == 422
    assert "name" in _fields(empty)
    assert "name" in _fields(long)
    assert "colour" in _fields(extra)
    assert not Tag.objects.exists()


def test_a_manager_renames_and_merges(requester: User, agent: User) -> None:
    manager = ApiClient(factories.agent(Role.SUPPORT_MANAGER))
    one, two = factories.ticket(requester), factories.ticket(requester)
    old = add_tag(ticket=one, actor=agent, name="feez")
    new = add_tag(ticket=two, actor=agent, name="fees")

    taken = manager.patch(f"/tags/{old.pk}", {"name": "FEES"})
    renamed = manager.patch(f"/tags/{old.pk}", {"name": "fee receipts"})
    unknown = manager.post(f"/tags/{old.pk}/merge", {"into": 999_999})
    itself = manager.post(f"/tags/{old.pk}/merge", {"into": old.pk})
    merged = manager.post(f"/tags/{old.pk}/merge", {"into": new.pk})

    assert taken.status_code == 422
    assert "merge" in _fields(taken)["name"]
    assert (renamed.status_code, renamed.json()["name"]) == (200, "fee receipts")
    assert (unknown.status_code, itself.status_code) == (422, 422)
    assert "into" in _fields(unknown)
    assert (merged.status_code, merged.json()) == (200, {"id": new.pk, "name": "fees"})
    assert set(Tagging.objects.values_list("ticket_id", "tag_id")) == {
        (one.pk, new.pk),
        (two.pk, new.pk),
    }
    assert manager.patch(f"/tags/{old.pk}", {"name": "x"}).status_code == 404


def test_an_agent_may_not_rename_and_a_requester_sees_no_tag(requester: User, agent: User) -> None:
    ticket = factories.ticket(requester)
    tag = add_tag(ticket=ticket, actor=agent, name="angry")
    mine = ApiClient(requester)

    assert ApiClient(agent).patch(f"/tags/{tag.pk}", {"name": "calm"}).status_code == 403
    assert mine.get("/tags").json() == []
    assert mine.get(f"/tickets/{ticket.pk}/tags").json() == []
    assert mine.post(f"/tickets/{ticket.pk}/tags", {"name": "calm"}).status_code == 403
    assert mine.delete(f"/tickets/{ticket.pk}/tags/{tag.pk}").status_code == 404
    assert mine.get("/tickets", {"tag": "angry"}).json()["results"] == []
    assert Tag.objects.get().name == "angry"

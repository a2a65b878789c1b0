"""Macros through the API: every answer is held to the OpenAPI document (ApiClient)."""

from datetime import UTC, datetime
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.macros.choices import MacroEventKind
from hypercare.macros.models import Macro
from hypercare.tickets.choices import Priority, Status
from tests import factories
from tests.api.conftest import ApiClient


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), tick=False)


def _fields(response: Any) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_a_manager_makes_a_macro_and_an_agent_applies_it(requester: User, agent: User) -> None:
    manager = ApiClient(factories.agent(Role.SUPPORT_MANAGER))
    ticket = factories.ticket(requester)

    made = manager.post(
        "/macros",
        {"name": "Chase", "priority": "high", "tags_to_add": ["Chased"], "note": "Chased."},
    )
    assert made.status_code == 201
    assert made.json()["tags_to_add"] == ["chased"]
    client = ApiClient(agent)
    assert [m["name"] for m in client.get("/macros").json()] == ["Chase"]

    applied = client.post(f"/tickets/{ticket.reference}/macros/{made.json()['id']}/apply")

    assert applied.status_code == 200
    assert applied.json() == {
        "macro": "Chase",
        "done": [
            "set the priority to High",
            "added the tag “chased”",
            "added an internal note",
        ],
    }
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert ticket.events.filter(kind=MacroEventKind.MACRO_APPLIED).count() == 1

    changed = manager.put(f"/macros/{made.json()['id']}", {"name": "Chase", "note": "Again."})
    assert changed.status_code == 200
    assert (changed.json()["priority"], changed.json()["note"]) == ("", "Again.")
    assert client.put(f"/macros/{made.json()['id']}", {"name": "X", "note": "x"}).status_code == 403


def test_a_refused_step_answers_named_and_applies_nothing(requester: User, agent: User) -> None:
    manager = ApiClient(factories.agent(Role.SUPPORT_MANAGER))
    ticket = factories.ticket(requester)
    made = manager.post("/macros", {"name": "Close", "note": "Done.", "status": Status.CLOSED})

    refused = ApiClient(agent).post(f"/tickets/{ticket.pk}/macros/{made.json()['id']}/apply")

    assert refused.status_code == 409
    assert refused.json()["message"].startswith("status: ")
    assert not ticket.events.filter(kind__in=["internal_note", MacroEventKind.MACRO_APPLIED])


def test_bad_input_is_named(agent: User) -> None:
    manager = ApiClient(factories.agent(Role.SUPPORT_MANAGER))

    empty = manager.post("/macros", {"name": "Nothing"})
    wrong = manager.post("/macros", {"name": "Odd", "status": "asleep", "team_id": 999})

    assert empty.status_code == wrong.status_code == 422
    assert set(_fields(empty)) == {"steps"}
    assert set(_fields(wrong)) == {"team_id"}


def test_an_institution_user_sees_no_macro_and_applies_none(requester: User, agent: User) -> None:
    manager = ApiClient(factories.agent(Role.SUPPORT_MANAGER))
    made = manager.post("/macros", {"name": "Chase", "note": "Chased."}).json()
    ticket = factories.ticket(requester)
    client = ApiClient(requester)

    assert client.get("/macros").json() == []
    assert client.post(f"/tickets/{ticket.pk}/macros/{made['id']}/apply").status_code == 404
    assert client.post("/macros", {"name": "Mine", "note": "x"}).status_code == 403
    assert ApiClient(agent).post("/macros", {"name": "Mine", "note": "x"}).status_code == 403
    assert client.delete(f"/macros/{made['id']}").status_code == 404
    assert manager.delete(f"/macros/{made['id']}").status_code == 204
    assert not Macro.objects.exists()

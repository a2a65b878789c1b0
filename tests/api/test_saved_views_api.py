"""The saved views' endpoints: kept, listed with counts, changed, and read as tickets."""

from typing import Any

import pytest

from hypercare.accounts.models import User
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Team
from hypercare.tickets.models import SavedView
from tests import factories
from tests.api.conftest import ApiClient


@pytest.fixture
def desk(agent: User) -> Team:
    team = factories.team("Service desk")
    team.members.add(agent)
    return team


def _body(**fields: Any) -> dict[str, Any]:
    return {"name": "Exams", "query": "module=exams", "sort": "-created_at", **fields}


def test_a_view_is_kept_listed_with_its_count_and_read_as_tickets(
    agent: User, requester: User, desk: Team
) -> None:
    older = factories.ticket(requester, module_code=ModuleCode.EXAMS, title="Marks vanish")
    newer = factories.ticket(requester, module_code=ModuleCode.EXAMS, title="Marks late")
    factories.ticket(requester, module_code=ModuleCode.FINANCE)
    api = ApiClient(agent)
    answer = api.post("/views", _body(team_id=desk.pk, columns=["ticket", "due"]))
    assert answer.status_code == 201
    kept = answer.json()
    assert {key: kept[key] for key in ("query", "columns", "team_id", "count")} == {
        "query": "module=exams",
        "columns": ["ticket", "due"],
        "team_id": desk.pk,
        "count": 2,
    }
    assert [view["name"] for view in api.get("/views").json()] == ["Exams"]
    tickets = api.get(f"/views/{kept['id']}/tickets").json()
    assert tickets["count"] == 2
    assert [ticket["id"] for ticket in tickets["results"]] == [newer.pk, older.pk]


def test_a_new_view_shows_every_column_unless_it_picks_some(agent: User) -> None:
    kept = ApiClient(agent).post("/views", _body()).json()
    assert kept["columns"] == [
        "ticket", "module", "institution", "status", "priority", "tier", "owner", "due",
        "updated",
    ]  # fmt: skip
    assert kept["team_id"] is None


def test_each_bad_field_is_named(agent: User) -> None:
    answer = ApiClient(agent).post(
        "/views", _body(query="sla=sometimes", sort="sideways", columns=["due"], team_id=99999)
    )
    assert answer.status_code == 422
    assert {error["field"] for error in answer.json()["errors"]} == {"team_id"}
    answer = ApiClient(agent).post(
        "/views", _body(query="sla=sometimes", sort="sideways", columns=["due"])
    )
    assert answer.status_code == 422
    fields = {error["field"]: error["message"] for error in answer.json()["errors"]}
    assert set(fields) == {"query", "sort", "columns"}
    assert fields["query"].startswith("sla: ")
    assert not SavedView.objects.exists()


def test_a_view_is_renamed_shared_unshared_and_deleted(agent: User, desk: Team) -> None:
    api = ApiClient(agent)
    view_id = api.post("/views", _body()).json()["id"]
    shared = api.put(f"/views/{view_id}", _body(name="Desk exams", team_id=desk.pk))
    assert shared.status_code == 200
    assert (shared.json()["name"], shared.json()["team_id"]) == ("Desk exams", desk.pk)
    elsewhere = factories.team("Finance tier 2")
    assert api.put(f"/views/{view_id}", _body(team_id=elsewhere.pk)).status_code == 403
    assert api.put(f"/views/{view_id}", _body()).json()["team_id"] is None
    assert api.delete(f"/views/{view_id}").status_code == 204
    assert api.get(f"/views/{view_id}").status_code == 404


def test_institution_people_keep_no_views(requester: User) -> None:
    api = ApiClient(requester)
    assert api.get("/views").json() == []
    assert api.post("/views", _body()).status_code == 403

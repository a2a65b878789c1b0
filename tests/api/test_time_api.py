"""Minutes through the API: on replies and notes as the team says, and the time spent
report scoped like the dashboards."""

from datetime import UTC, datetime
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.choices import TimeEntryRule
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Ticket, TimeEntry
from hypercare.tickets.services.conversation import add_internal_note
from tests import factories

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def ticket(requester: User) -> Ticket:
    return factories.ticket(requester)


def test_minutes_go_with_a_reply_and_a_note(api_as: Any, agent: User, ticket: Ticket) -> None:
    api = api_as(agent)

    reply = api.post(f"/tickets/{ticket.reference}/replies", {"body": "On it.", "minutes": 12})
    note = api.post(f"/tickets/{ticket.reference}/notes", {"body": "Logs.", "minutes": 30})

    assert (reply.status_code, note.status_code) == (201, 201)
    assert list(TimeEntry.objects.order_by("pk").values_list("event_id", "minutes")) == [
        (reply.json()["id"], 12),
        (note.json()["id"], 30),
    ]


@pytest.mark.parametrize(("rule", "minutes"), [(TimeEntryRule.REQUIRED, None), ("", 2000)])
def test_missing_or_out_of_range_minutes_are_422_naming_minutes(
    api_as: Any, agent: User, ticket: Ticket, rule: str, minutes: int | None
) -> None:
    if rule:
        Ticket.objects.filter(pk=ticket.pk).update(team=factories.team(time_entry=rule))
    body: dict[str, Any] = {"body": "Logs."}
    if minutes is not None:
        body["minutes"] = minutes

    response = api_as(agent).post(f"/tickets/{ticket.reference}/notes", body)

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["minutes"]
    assert TimeEntry.objects.count() == 0


def test_a_requester_cannot_enter_time(api_as: Any, requester: User, ticket: Ticket) -> None:
    response = api_as(requester).post(
        f"/tickets/{ticket.reference}/replies", {"body": "Any news?", "minutes": 5}
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "minutes", "message": "Only support staff enter time"}
    ]


def test_the_time_report_is_scoped_like_the_dashboards(
    api_as: Any,
    agent: User,
    ticket: Ticket,
    institution: Institution,
    other_institution: Institution,
    requester: User,
) -> None:
    theirs = factories.ticket(factories.requester(other_institution))
    add_internal_note(ticket=ticket, actor=agent, body="Ours.", minutes=20)
    add_internal_note(ticket=theirs, actor=agent, body="Theirs.", minutes=50)
    manager = factories.agent(Role.SUPPORT_MANAGER)
    admin = factories.user(Role.INSTITUTION_ADMIN, institution=institution)

    everything = api_as(manager).get("/reports/time", {"period": "7d"}).json()
    own = api_as(admin).get("/reports/time").json()

    assert everything["total"] == {"label": "Total", "minutes": 70, "entries": 2}
    assert [row["minutes"] for row in everything["by_institution"]] == [50, 20]
    assert own["total"]["minutes"] == 20
    assert [row["label"] for row in own["by_institution"]] == [institution.name]
    assert own["by_agent"] == [{"label": agent.display_name, "minutes": 20, "entries": 1}]
    assert api_as(requester).get("/reports/time").status_code == 403
    assert api_as(agent).get("/reports/time").status_code == 403
    refused = api_as(manager).get("/reports/time", {"period": "1y"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "period"

"""SLA clocks in the ticket API: the fields, the due-soonest sort and the SLA filters."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hypercare.accounts.models import User
from hypercare.sla.services import sweep_sla
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.conversation import add_public_reply
from hypercare.tickets.services.workflow import change_status
from tests import factories

MONDAY_9 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def traveller(time_machine: Any) -> Any:
    time_machine.move_to(MONDAY_9, tick=False)
    return time_machine


def critical(requester: User) -> Ticket:
    return factories.ticket(requester, urgency="high", impact="high")


def high(requester: User) -> Ticket:
    return factories.ticket(requester, urgency="medium", impact="high")


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_ticket_shows_both_clocks_and_paused_minutes(
    traveller: Any, api_as: Any, requester: User, agent: User
) -> None:
    ticket = critical(requester)
    add_public_reply(ticket=ticket, actor=agent, body="Which receipt?")
    change_status(ticket=ticket, actor=agent, status=Status.WAITING_ON_REQUESTER)
    traveller.move_to(MONDAY_9 + timedelta(minutes=45))
    change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)

    sla = api_as(requester).get(f"/tickets/{ticket.reference}").json()["sla"]

    assert sla == {
        "first_response": {
            "state": "met",
            "due_at": "2025-03-03T09:15:00Z",
            "warn_at": None,
            "breached_at": None,
        },
        "resolution": {
            "state": "running",
            "due_at": "2025-03-03T13:45:00Z",
            "warn_at": "2025-03-03T12:45:00Z",
            "breached_at": None,
        },
        "paused_minutes": 45.0,
    }


def test_list_rows_carry_the_recorded_breach(
    traveller: Any, api_as: Any, requester: User, agent: User
) -> None:
    ticket = critical(requester)
    sweep_sla(now=MONDAY_9 + timedelta(minutes=20))

    row = api_as(agent).get("/tickets").json()["results"][0]

    assert row["id"] == ticket.pk
    assert row["sla"]["first_response"]["state"] == "breached"
    assert row["sla"]["first_response"]["breached_at"] == "2025-03-03T09:20:00Z"
    assert row["sla"]["resolution"]["state"] == "running"


def test_sort_due_puts_the_soonest_due_first(
    traveller: Any, api_as: Any, requester: User, agent: User
) -> None:
    later = high(requester)
    traveller.move_to(MONDAY_9 + timedelta(minutes=30))
    sooner = critical(requester)
    done = critical(requester)
    add_public_reply(ticket=done, actor=agent, body="Fixed.")
    change_status(ticket=done, actor=agent, status=Status.RESOLVED)

    assert ids(api_as(agent).get("/tickets", {"sort": "due"})) == [sooner.pk, later.pk, done.pk]


def test_filters_breached_warned_running_and_due_within(
    traveller: Any, api_as: Any, requester: User, agent: User
) -> None:
    urgent = critical(requester)
    important = high(requester)
    done = critical(requester)
    add_public_reply(ticket=done, actor=agent, body="Fixed.")
    change_status(ticket=done, actor=agent, status=Status.RESOLVED)
    traveller.move_to(MONDAY_9 + timedelta(minutes=100))
    client = api_as(agent)

    assert ids(client.get("/tickets", {"sla": "breached"})) == [urgent.pk]
    assert ids(client.get("/tickets", {"sla": "warned"})) == [important.pk]
    assert ids(client.get("/tickets", {"sla": "running"})) == [urgent.pk, important.pk]
    assert ids(client.get("/tickets", {"due_within": 20})) == [urgent.pk, important.pk]
    assert ids(client.get("/tickets", {"due_within": 1, "sort": "due"})) == [urgent.pk]


def test_sla_filters_never_reach_another_institution(
    traveller: Any, api_as: Any, requester: User, outsider: User
) -> None:
    own = critical(requester)
    critical(outsider)
    traveller.move_to(MONDAY_9 + timedelta(hours=1))

    assert ids(api_as(requester).get("/tickets", {"sla": "breached", "sort": "due"})) == [own.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sla": "late"}, "sla"),
        ({"due_within": 0}, "due_within"),
        ({"due_within": 10_081}, "due_within"),
        ({"due_within": "soon"}, "due_within"),
        ({"sort": "-due"}, "sort"),
    ],
)
def test_bad_sla_parameters_name_the_field(
    params: dict[str, Any], field: str, api_as: Any, agent: User
) -> None:
    response = api_as(agent).get("/tickets", params)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_openapi_lists_the_sla_parameters(api_as: Any, agent: User) -> None:
    document = api_as(agent).get("/openapi.json").json()
    parameters = {p["name"] for p in document["paths"]["/api/v1/tickets"]["get"]["parameters"]}

    assert {"sla", "due_within", "sort"} <= parameters
    assert "sla" in document["components"]["schemas"]["TicketSummaryOut"]["properties"]


def test_support_staff_read_how_the_due_times_came_about(
    traveller: Any, api_as: Any, requester: User, agent: User, outsider: User
) -> None:
    ticket = critical(requester)
    path = f"/tickets/{ticket.reference}/sla"

    explained = api_as(agent).get(path)

    assert explained.status_code == 200, explained.json()
    body = explained.json()
    assert body["policy"] == "Standard"
    assert body["first_response"]["due_at"] == "2025-03-03T09:15:00Z"
    assert body["steps"][0].startswith("Policy 'Standard'")
    assert len(body["steps"]) >= 2
    assert api_as(requester).get(path).status_code == 403
    assert api_as(outsider).get(path).status_code == 404

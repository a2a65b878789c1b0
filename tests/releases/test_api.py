"""Releases through the API: who may do what, clear errors, and no leak across institutions."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.models import User
from hypercare.releases.choices import ReleaseEventKind
from hypercare.releases.models import Release
from hypercare.releases.services import create_release, plan_for_release, ship_release
from hypercare.sla.choices import ClockState
from hypercare.tickets.models import Ticket
from tests import factories
from tests.api.conftest import ApiClient
from tests.releases.conftest import rated

# The token with its user; reading releases asks nothing of the user's roles.
AUTHENTICATION = 1


def _fields(response: Any) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


@pytest.fixture
def tickets(
    agent: User, requester: User, colleague: User, outsider: User, release: Release
) -> dict[str, Ticket]:
    """The requester's, a colleague's and another institution's ticket, all in 2025.3."""
    planned = {
        "own": rated(requester, "low"),
        "colleague": rated(colleague, "low"),
        "elsewhere": rated(outsider, "low"),
    }
    for ticket in planned.values():
        plan_for_release(ticket=ticket, actor=agent, release=release)
    return planned


# Reading -----------------------------------------------------------------------------------


def test_anyone_signed_in_lists_releases_newest_first(
    requester: User, manager: User, release: Release, time_machine: Any
) -> None:
    time_machine.shift(60)
    create_release(actor=manager, version="2025.4")

    response = ApiClient(requester).get("/releases", {"page_size": 1})

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (2, 1, 1)
    assert [item["version"] for item in body["results"]] == ["2025.4"]
    second = ApiClient(requester).get("/releases", {"page": 2, "page_size": 1}).json()
    assert second["results"] == [
        {
            "id": release.pk,
            "version": "2025.3",
            "planned_date": "2025-04-14",
            "shipped_at": None,
            "notes": "Fee fixes.",
            "created_at": "2025-03-03T09:00:00Z",
        }
    ]


def test_releases_need_a_signed_in_caller(db: None) -> None:
    response = ApiClient(None).get("/releases")
    assert response.status_code == 401


def test_unknown_query_parameters_are_refused(requester: User) -> None:
    response = ApiClient(requester).get("/releases", {"shipped": "yes"})
    assert response.status_code == 422
    assert _fields(response) == {"shipped"}


def test_each_caller_counts_only_the_tickets_they_may_see(
    agent: User,
    requester: User,
    key_user: User,
    outsider: User,
    release: Release,
    tickets: dict[str, Ticket],
) -> None:
    counts = {
        persona.username: ApiClient(persona).get(f"/releases/{release.pk}").json()["ticket_count"]
        for persona in (agent, requester, key_user, outsider)
    }
    assert counts == {"tara": 3, "riya": 1, "keyuser": 2, "outsider": 1}


def test_the_ticket_list_by_release_stays_inside_the_callers_scope(
    requester: User, outsider: User, release: Release, tickets: dict[str, Ticket]
) -> None:
    mine = ApiClient(requester).get("/tickets", {"release": release.pk}).json()
    theirs = ApiClient(outsider).get("/tickets", {"release": release.pk}).json()

    assert [item["reference"] for item in mine["results"]] == [tickets["own"].reference]
    assert [item["reference"] for item in theirs["results"]] == [tickets["elsewhere"].reference]


def test_a_missing_release_is_a_404(requester: User) -> None:
    response = ApiClient(requester).get("/releases/999999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_listing_releases_costs_the_same_however_many_there_are(
    requester: User, manager: User
) -> None:
    client = ApiClient(requester)
    client.get("/me")  # stamps the token's first use

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/releases").status_code == 200
        return len(captured)

    create_release(actor=manager, version="1.0")
    few = queries()
    for n in range(1, 30):
        create_release(actor=manager, version=f"1.{n}")
    assert queries() == few == AUTHENTICATION + 2


# Creating and shipping ---------------------------------------------------------------------


def test_a_manager_creates_and_ships_a_release(
    manager: User, release: Release, tickets: dict[str, Ticket], requester: User
) -> None:
    client = ApiClient(manager)
    created = client.post(
        "/releases", {"version": "2025.5", "planned_date": "2025-06-01", "notes": "Exams."}
    )
    assert created.status_code == 201, created.json()
    assert created.json()["ticket_count"] == 0
    assert created.json()["shipped_at"] is None

    shipped = client.post(f"/releases/{release.pk}/ship")
    assert shipped.status_code == 200, shipped.json()
    assert shipped.json()["shipped_at"] == "2025-03-03T09:00:00Z"
    assert shipped.json()["ticket_count"] == 3

    own = ApiClient(requester).get(f"/tickets/{tickets['own'].reference}").json()
    assert own["sla"]["resolution"]["state"] == ClockState.MET
    assert own["release"] == "2025.3"
    kinds = [e["kind"] for e in ApiClient(requester).get(f"/tickets/{own['id']}/events").json()]
    assert kinds[-2:] == [ReleaseEventKind.RELEASE_PLANNED, ReleaseEventKind.SHIPPED]

    again = client.post(f"/releases/{release.pk}/ship")
    assert again.status_code == 409
    assert again.json()["message"] == "Release 2025.3 has already shipped."


@pytest.mark.parametrize("persona", ["agent", "requester", "outsider"])
def test_only_managers_create_and_ship_releases(
    persona: str, release: Release, request: pytest.FixtureRequest
) -> None:
    client = ApiClient(request.getfixturevalue(persona))

    assert client.post("/releases", {"version": "9.9"}).status_code == 403
    assert client.post(f"/releases/{release.pk}/ship").status_code == 403
    assert not Release.objects.filter(version="9.9").exists()
    release.refresh_from_db()
    assert release.shipped_at is None


def test_a_bad_release_is_refused_field_by_field(manager: User, release: Release) -> None:
    client = ApiClient(manager)

    missing = client.post("/releases", {"planned_date": "someday", "colour": "red"})
    assert missing.status_code == 422
    assert _fields(missing) == {"version", "planned_date", "colour"}
    malformed = client.post("/releases", {"version": "2025 / 3"})
    assert malformed.status_code == 422
    assert _fields(malformed) == {"version"}
    taken = client.post("/releases", {"version": "2025.3"})
    assert taken.status_code == 422
    assert taken.json()["errors"] == [{"field": "version", "message": "is already taken"}]
    assert Release.objects.count() == 1


# Planning a ticket -------------------------------------------------------------------------


def test_support_staff_plan_and_clear_a_tickets_release(
    agent: User, requester: User, release: Release
) -> None:
    ticket = rated(requester, "low")
    client = ApiClient(agent)

    planned = client.put(f"/tickets/{ticket.reference}/release", {"release_id": release.pk})
    assert planned.status_code == 200, planned.json()
    assert planned.json()["release"] == "2025.3"
    cleared = client.put(f"/tickets/{ticket.pk}/release", {"release_id": None})
    assert cleared.status_code == 200
    assert cleared.json()["release"] is None
    assert Ticket.objects.get(pk=ticket.pk).release_id is None


def test_a_requester_may_not_plan_their_own_ticket(requester: User, release: Release) -> None:
    ticket = rated(requester, "low")

    response = ApiClient(requester).put(f"/tickets/{ticket.pk}/release", {"release_id": release.pk})

    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).release_id is None


def test_another_institutions_ticket_is_not_found(
    outsider: User, requester: User, release: Release
) -> None:
    ticket = rated(requester, "low")
    client = ApiClient(outsider)

    assert (
        client.put(f"/tickets/{ticket.pk}/release", {"release_id": release.pk}).status_code == 404
    )
    assert client.get(f"/tickets/{ticket.pk}").status_code == 404


def test_planning_input_is_checked_field_by_field(
    agent: User, manager: User, requester: User, release: Release
) -> None:
    ticket = rated(requester, "low")
    client = ApiClient(agent)

    empty = client.put(f"/tickets/{ticket.pk}/release", {})
    assert empty.status_code == 422
    assert _fields(empty) == {"release_id"}
    unknown = client.put(f"/tickets/{ticket.pk}/release", {"release_id": 999999})
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"field": "release_id", "message": "no such release"}]
    ship_release(release=release, actor=manager)
    shipped = client.put(f"/tickets/{ticket.pk}/release", {"release_id": release.pk})
    assert shipped.status_code == 409
    assert "has shipped" in shipped.json()["message"]


def test_a_new_ticket_has_no_release(requester: User) -> None:
    ticket = factories.ticket(requester)
    assert ApiClient(requester).get(f"/tickets/{ticket.pk}").json()["release"] is None

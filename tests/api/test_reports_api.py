"""The dashboard endpoint: the page's figures as JSON, scoped like the page."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from tests import factories

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def world(requester: User, other_institution: Institution) -> None:
    mine = factories.ticket(requester)
    Ticket.objects.filter(pk=mine.pk).update(
        created_at=NOW - timedelta(days=1),
        first_responded_at=NOW - timedelta(days=1) + timedelta(minutes=30),
        status=Status.RESOLVED,
        resolved_at=NOW - timedelta(hours=2),
    )
    factories.ticket(factories.requester(other_institution))


def test_a_manager_reads_every_institutions_figures(world: None, api_as: Any) -> None:
    manager = factories.agent(Role.SUPPORT_MANAGER)

    response = api_as(manager).get("/reports/dashboard", {"period": "7d"})

    body = response.json()
    assert response.status_code == 200
    assert [row["opened"] for row in body["flow"]] == [0, 0, 0, 0, 0, 1, 1]
    assert [row["resolved"] for row in body["flow"]][-1] == 1
    assert body["times"][0] == {
        "label": "First response",
        "count": 1,
        "median_minutes": 30.0,
        "p90_minutes": 30.0,
    }
    assert {row["label"] for row in body["breakdowns"]["institution"]} == {
        "Northfield University",
        "Southbank College",
    }


def test_an_institution_admin_reads_only_their_own(
    world: None, api_as: Any, institution: Institution, other_institution: Institution
) -> None:
    admin = api_as(factories.user(Role.INSTITUTION_ADMIN, institution=institution))

    own = admin.get("/reports/dashboard", {"period": "7d"}).json()
    other = admin.get("/reports/dashboard", {"institution": str(other_institution.pk)})

    assert sum(row["opened"] for row in own["flow"]) == 1
    assert [row["label"] for row in own["breakdowns"]["institution"]] == ["Northfield University"]
    assert other.status_code == 422
    assert [error["field"] for error in other.json()["errors"]] == ["institution"]


def test_bad_or_unknown_filters_are_refused_by_name(api_as: Any, db: None) -> None:
    manager = api_as(factories.agent(Role.SUPPORT_MANAGER))

    response = manager.get("/reports/dashboard", {"period": "1y", "colour": "red"})

    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {"colour"}
    bad = manager.get("/reports/dashboard", {"period": "1y", "team": "x"})
    assert {error["field"] for error in bad.json()["errors"]} == {"period", "team"}


def test_others_are_refused(api_as: Any, requester: User) -> None:
    assert api_as(requester).get("/reports/dashboard").status_code == 403
    assert api_as(factories.agent(Role.TIER1)).get("/reports/dashboard").status_code == 403
    assert api_as(None).get("/reports/dashboard").status_code == 401

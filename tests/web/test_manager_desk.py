"""The support manager's workspace: their teams' queue with counts, and the releases page."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.releases.choices import ReleaseEventKind
from hypercare.releases.models import Release
from hypercare.releases.services import create_release, plan_for_release
from hypercare.tickets.models import Ticket
from tests import factories
from tests.web.conftest import signed_in

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="meera")


@pytest.fixture
def manager_client(manager: User) -> Client:
    return signed_in(manager)


def test_the_support_manager_lands_on_their_teams_queue_with_counts(
    manager_client: Client, requester: User
) -> None:
    payroll = factories.team("HR & Payroll")
    ticket = factories.ticket(requester, title="Payslips missing")
    Ticket.objects.filter(pk=ticket.pk).update(team=payroll)

    page = manager_client.get("/desk/").content.decode()

    assert "Nothing assigned to you" not in page
    assert '<a href="?queue=team" aria-current="page">My teams <span class="count">1</span>' in (
        page
    )
    assert "Payslips missing" in page
    assert f'href="?queue=team&amp;team={payroll.pk}"><strong>HR &amp; Payroll</strong>' in page
    assert "1 unassigned" in page


def test_an_agent_still_lands_on_their_own_work(agent_client: Client) -> None:
    page = agent_client.get("/desk/").content.decode()
    assert "Nothing assigned to you" in page
    assert "Your teams' open tickets" not in page


def test_a_manager_plans_a_release_and_ships_it(
    manager_client: Client, agent: User, requester: User
) -> None:
    refused = manager_client.post("/desk/releases/", {"version": "2025 spring"})
    assert refused.status_code == 422
    assert 'id="id_version_error"' in refused.content.decode()

    planned = manager_client.post(
        "/desk/releases/", {"version": "2025.3", "planned_date": "2025-04-14", "notes": "Fixes"}
    )
    assert planned["Location"] == "/desk/releases/"
    release = Release.objects.get(version="2025.3")
    ticket = factories.ticket(requester, urgency="medium", impact="low")
    plan_for_release(ticket=ticket, actor=agent, release=release)
    page = manager_client.get("/desk/releases/").content.decode()
    assert 'planned for <time datetime="2025-04-14">' in page
    assert "1 ticket planned for it" in page
    assert "Ship 2025.3 now" in page

    shipped = manager_client.post(f"/desk/releases/{release.pk}/ship/")
    assert shipped["Location"] == "/desk/releases/"
    release.refresh_from_db()
    assert release.shipped_at == T0
    assert ticket.events.filter(kind=ReleaseEventKind.SHIPPED).exists()
    page = manager_client.get("/desk/releases/").content.decode()
    assert 'shipped <time datetime="2025-03-03T09:00:00+00:00"' in page
    assert "Ship 2025.3 now" not in page
    assert manager_client.post(f"/desk/releases/{release.pk}/ship/").status_code == 409


def test_agents_read_releases_but_only_managers_plan_and_ship_them(
    agent_client: Client, requester_client: Client, manager: User
) -> None:
    release = create_release(actor=manager, version="2025.3")

    page = agent_client.get("/desk/releases/").content.decode()
    assert "2025.3" in page
    assert "Plan a release" not in page
    assert "Ship 2025.3 now" not in page
    assert agent_client.post("/desk/releases/", {"version": "2025.4"}).status_code == 403
    assert agent_client.post(f"/desk/releases/{release.pk}/ship/").status_code == 403
    assert not Release.objects.filter(version="2025.4").exists()
    assert Release.objects.get(pk=release.pk).shipped_at is None
    assert requester_client.get("/desk/releases/")["Location"] == "/"
    assert requester_client.post(f"/desk/releases/{release.pk}/ship/")["Location"] == "/"

"""Releases on the web desk: planning in place, the SLA panel, the portal, the timeline."""

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.releases.choices import ReleaseEventKind
from hypercare.releases.models import Release
from hypercare.releases.services import create_release, plan_for_release, ship_release
from hypercare.tickets.models import Ticket
from tests import factories

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def still_time(time_machine: Any) -> None:
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="sofia")


@pytest.fixture
def release(manager: User) -> Release:
    return create_release(actor=manager, version="2025.3", planned_date=date(2025, 4, 14))


@pytest.fixture
def low_ticket(requester: User) -> Ticket:
    """Low priority: the default policy resolves it by the next release."""
    return factories.ticket(requester, urgency="medium", impact="low")


def test_an_agent_plans_the_release_in_place(
    agent_client: Client, low_ticket: Ticket, release: Release, manager: User
) -> None:
    shipped = create_release(actor=manager, version="2025.2")
    ship_release(release=shipped, actor=manager)
    page = agent_client.get(f"/desk/tickets/{low_ticket.pk}/").content.decode()
    assert "Not planned for a release" in page
    assert "2025.3 (planned Mon 14 Apr 2025)" in page
    assert ">2025.2<" not in page  # a shipped release is not offered

    response = agent_client.post(
        f"/desk/tickets/{low_ticket.pk}/release/", {"release": release.pk}, **HTMX
    )

    assert response.status_code == 200
    assert response["HX-Trigger"] == "ticket-changed"
    assert "Ships in 2025.3" in response.content.decode()
    assert "(planned Mon 14 Apr 2025)" in response.content.decode()
    assert Ticket.objects.get(pk=low_ticket.pk).release == release


def test_a_shipped_release_cannot_be_chosen(
    agent_client: Client, low_ticket: Ticket, release: Release, manager: User
) -> None:
    ship_release(release=release, actor=manager)

    response = agent_client.post(
        f"/desk/tickets/{low_ticket.pk}/release/", {"release": release.pk}, **HTMX
    )

    assert response.status_code == 422
    assert 'id="id_release-release_error"' in response.content.decode()
    assert Ticket.objects.get(pk=low_ticket.pk).release is None


def test_clearing_the_release_without_javascript(
    agent_client: Client, agent: User, low_ticket: Ticket, release: Release
) -> None:
    plan_for_release(ticket=low_ticket, actor=agent, release=release)

    response = agent_client.post(f"/desk/tickets/{low_ticket.pk}/release/", {"release": ""})

    assert response["Location"] == f"/desk/tickets/{low_ticket.pk}/"
    assert Ticket.objects.get(pk=low_ticket.pk).release is None
    moves = low_ticket.events.filter(kind=ReleaseEventKind.RELEASE_PLANNED)
    assert [(e.old_value, e.new_value) for e in moves] == [("", "2025.3"), ("2025.3", "")]


def test_the_sla_panel_says_which_release_the_resolution_waits_for(
    agent_client: Client, agent: User, low_ticket: Ticket, release: Release
) -> None:
    sla = agent_client.get(f"/desk/tickets/{low_ticket.pk}/sla/").content.decode()
    assert "Waits for the next release; not planned for one yet." in sla

    plan_for_release(ticket=low_ticket, actor=agent, release=release)

    sla = agent_client.get(f"/desk/tickets/{low_ticket.pk}/sla/").content.decode()
    assert "Waits for release 2025.3, planned Mon 14 Apr 2025." in sla


def test_after_shipping_the_desk_shows_it_met_and_offers_no_change(
    agent_client: Client, agent: User, manager: User, low_ticket: Ticket, release: Release
) -> None:
    plan_for_release(ticket=low_ticket, actor=agent, release=release)
    ship_release(release=release, actor=manager)

    page = agent_client.get(f"/desk/tickets/{low_ticket.pk}/").content.decode()

    assert "Ships in 2025.3" in page
    assert re.search(r"\(shipped <time [^>]+>Mon 3 Mar 2025</time>\)", page)
    assert 'id="change-release"' not in page
    assert "The fix shipped in release 2025.3" in page
    assert "met by shipping in a release" in page
    assert "Waits for release" not in page


def test_the_requester_sees_the_release_and_the_promise(
    requester_client: Client, agent: User, manager: User, low_ticket: Ticket, release: Release
) -> None:
    before = requester_client.get(f"/portal/tickets/{low_ticket.pk}/").content.decode()
    assert "We plan to fix this in the next release." in before
    assert 'id="release"' not in before

    plan_for_release(ticket=low_ticket, actor=agent, release=release)
    page = requester_client.get(f"/portal/tickets/{low_ticket.pk}/").content.decode()
    assert "Ships in 2025.3" in page
    assert "We plan to fix this in release 2025.3, planned for Mon 14 Apr 2025." in page
    assert f"{agent.display_name} planned the fix for release 2025.3" in page

    ship_release(release=release, actor=manager)
    page = requester_client.get(f"/portal/tickets/{low_ticket.pk}/").content.decode()
    assert re.search(r"\(shipped <time [^>]+>Mon 3 Mar 2025</time>\)", page)
    assert "The fix shipped in release 2025.3" in page


def test_institution_users_cannot_plan_releases_from_the_desk(
    requester_client: Client, low_ticket: Ticket, release: Release
) -> None:
    requester_client.post(f"/desk/tickets/{low_ticket.pk}/release/", {"release": release.pk})
    assert Ticket.objects.get(pk=low_ticket.pk).release is None

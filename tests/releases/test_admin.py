"""The admin's ship action goes through the service, with all that shipping does."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.releases.choices import ReleaseEventKind
from hypercare.releases.models import Release
from hypercare.releases.services import plan_for_release
from hypercare.sla.choices import ClockState
from hypercare.tickets.models import Ticket
from tests import factories

CHANGELIST = reverse("admin:releases_release_changelist")


@pytest.fixture
def admin_client_for(db: None) -> Client:
    client = Client()
    client.force_login(factories.user(Role.ADMIN, username="sysadmin"))
    return client


def test_the_ship_action_ships_through_the_service(
    admin_client_for: Client, agent: User, low_ticket: Ticket, release: Release
) -> None:
    plan_for_release(ticket=low_ticket, actor=agent, release=release)
    form = {"action": "ship", "_selected_action": [release.pk]}

    admin_client_for.post(CHANGELIST, form)
    again = admin_client_for.post(CHANGELIST, form, follow=True)

    release.refresh_from_db()
    assert release.is_shipped
    ticket = Ticket.objects.get(pk=low_ticket.pk)
    assert ticket.resolution_state == ClockState.MET
    assert ticket.events.filter(kind=ReleaseEventKind.SHIPPED).count() == 1
    said = [str(message) for message in get_messages(again.wsgi_request)]
    assert "2025.3: Release 2025.3 has already shipped." in said


def test_a_shipped_release_keeps_its_version(
    admin_client_for: Client, manager: User, release: Release
) -> None:
    change = reverse("admin:releases_release_change", args=[release.pk])
    admin_client_for.post(CHANGELIST, {"action": "ship", "_selected_action": [release.pk]})

    admin_client_for.post(change, {"version": "2099.1", "notes": "Renamed?"})

    release.refresh_from_db()
    assert (release.version, release.notes) == ("2025.3", "Renamed?")

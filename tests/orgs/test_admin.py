"""The teams' admin offers only the people who may fill each place; zones are picked."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.choices import TimeEntryRule
from hypercare.orgs.models import Institution, Team
from tests import factories


@pytest.fixture
def admin_client(db: None) -> Client:
    client = Client()
    client.force_login(factories.user(Role.ADMIN, username="sysadmin"))
    return client


def options(html: str, name: str) -> list[str]:
    """The labels of the choices a select or a list of boxes offers, the empty one left out."""
    boxes = re.findall(
        rf'<input type="checkbox" name="{re.escape(name)}" value="[^"]*"[^>]*>([^<]*)</label>',
        html,
    )
    if boxes:
        return [label.strip() for label in boxes]
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, name
    return [
        label
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[1])
        if value
    ]


def test_a_teams_people_are_support_agents_by_name(
    admin_client: Client, requester: User, agent: User
) -> None:
    factories.user(Role.KEY_USER, institution=requester.institution, username="kiran")
    html = admin_client.get(reverse("admin:orgs_team_add")).content.decode()

    for name in ("lead", "members", "last_auto_assigned"):
        assert sorted(options(html, name)) == ["sysadmin", "tara"], name


def test_a_requester_posted_as_last_auto_assigned_is_refused(
    admin_client: Client, requester: User, agent: User
) -> None:
    response = admin_client.post(
        reverse("admin:orgs_team_add"),
        {
            "name": "Service desk",
            "slug": "service-desk",
            "tier": 1,
            "auto_assignment": "round_robin",
            "members": [agent.pk],
            "last_auto_assigned": requester.pk,
        },
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_team_saves_with_agents(admin_client: Client, agent: User) -> None:
    response = admin_client.post(
        reverse("admin:orgs_team_add"),
        {
            "name": "Service desk",
            "slug": "service-desk",
            "tier": 1,
            "auto_assignment": "round_robin",
            "time_entry": "required",
            "lead": agent.pk,
            "members": [agent.pk],
            "last_auto_assigned": agent.pk,
        },
    )

    assert response.status_code == 302, response.content.decode()
    assert Team.objects.get(slug="service-desk").time_entry == TimeEntryRule.REQUIRED


def test_availability_is_kept_for_agents_only(
    admin_client: Client, requester: User, agent: User
) -> None:
    html = admin_client.get(reverse("admin:orgs_agentavailability_add")).content.decode()

    assert sorted(options(html, "agent")) == ["sysadmin", "tara"]


def test_an_institutions_time_zone_is_picked(
    admin_client: Client, institution: Institution
) -> None:
    url = reverse("admin:orgs_institution_change", args=[institution.pk])
    html = admin_client.get(url).content.decode()

    assert '<select name="time_zone"' in html
    assert "America/Chicago" in options(html, "time_zone")


def test_module_owners_are_the_institutions_module_owners(
    admin_client: Client, institution: Institution, requester: User, agent: User
) -> None:
    factories.user(Role.MODULE_OWNER, institution=institution, username="rk", first_name="Rajesh")
    module = institution.modules.first()
    assert module is not None

    html = admin_client.get(reverse("admin:orgs_module_change", args=[module.pk])).content.decode()
    inline = admin_client.get(
        reverse("admin:orgs_institution_change", args=[institution.pk])
    ).content.decode()

    assert options(html, "owners") == ["Rajesh (Northfield University)"]
    assert options(inline, "modules-0-owners") == ["Rajesh (Northfield University)"]

"""Routing rules read in the admin as the router uses them: "any" and position explained."""

import pytest
from django.test import Client
from django.urls import reverse

from hypercare.accounts.choices import Role
from hypercare.tickets.choices import Category
from hypercare.tickets.models import RoutingRule
from tests import factories


@pytest.fixture
def admin_client(db: None) -> Client:
    client = Client()
    client.force_login(factories.user(Role.ADMIN, username="sysadmin"))
    return client


def test_empty_criteria_show_as_any(admin_client: Client) -> None:
    team = factories.team("Service desk")
    RoutingRule.objects.create(position=100, team=team)
    RoutingRule.objects.create(position=20, category=Category.INCIDENT, team=team)

    html = admin_client.get(reverse("admin:tickets_routingrule_changelist")).content.decode()

    assert html.count('<td class="field-for_institution">any</td>') == 2
    assert html.count('<td class="field-for_module">any</td>') == 2
    assert '<td class="field-for_category">Incident</td>' in html
    assert "the most specific wins" in html
    assert "among equally specific rules, the lowest position wins" in html


def test_the_rule_form_explains_position_and_any(admin_client: Client) -> None:
    html = admin_client.get(reverse("admin:tickets_routingrule_add")).content.decode()

    assert "among equally specific rules, the lowest position wins" in html
    assert "Empty matches any module." in html
    assert '<option value="" selected>Any institution</option>' in html
    assert '<option value="" selected>Any category</option>' in html
    assert 'name="for_new_tickets"' in html  # every field of the rule stays on its page
    assert "---------" not in html.split('name="team"')[0]

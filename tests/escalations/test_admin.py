"""An escalation rule's manager is chosen among the escalation managers, by name."""

import pytest
from django.test import Client
from django.urls import reverse

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.escalations.models import EscalationRule
from tests import factories
from tests.orgs.test_admin import options


@pytest.fixture
def admin_client(db: None) -> Client:
    client = Client()
    client.force_login(factories.user(Role.ADMIN, username="sysadmin"))
    return client


def test_only_escalation_managers_are_offered(
    admin_client: Client, requester: User, agent: User
) -> None:
    factories.user(Role.ESCALATION_MANAGER, username="esme", first_name="Esme", last_name="Okafor")

    html = admin_client.get(reverse("admin:escalations_escalationrule_add")).content.decode()

    assert options(html, "manager") == ["Esme Okafor"]


def test_escalation_rules_explain_any_and_position(admin_client: Client) -> None:
    manager = factories.user(Role.ESCALATION_MANAGER, username="esme", first_name="Esme")
    EscalationRule.objects.create(position=10, manager=manager)

    listing = admin_client.get(
        reverse("admin:escalations_escalationrule_changelist")
    ).content.decode()
    form = admin_client.get(reverse("admin:escalations_escalationrule_add")).content.decode()

    assert '<td class="field-for_institution">any</td>' in listing
    assert '<td class="field-for_module">any</td>' in listing
    assert "among equally specific rules, the lowest position wins" in form
    assert '<option value="" selected>Any module</option>' in form

"""The same record whichever door a change comes through: the Django admin, the API, the
desk's pages; each recorded with its person and its door."""

import pytest
from django.test import Client
from django.urls import reverse

from hypercare.accounts.choices import Role
from hypercare.accounts.models import RoleGrant, User
from hypercare.audit.choices import Action, Channel
from hypercare.audit.models import AuditEntry
from hypercare.audit.recording import HIDDEN
from hypercare.audit.selectors import role_history
from hypercare.mail.models import Mailbox
from hypercare.notifications.models import NotificationTemplate
from hypercare.orgs.models import Institution, Team
from hypercare.tickets.models import RoutingRule, SavedReply
from tests import factories
from tests.api.conftest import ApiClient
from tests.audit.admin_forms import posted
from tests.audit.conftest import entries_of, steps
from tests.web.conftest import signed_in


@pytest.fixture
def admin_client(sysadmin: User) -> Client:
    client = Client()
    client.force_login(sysadmin)
    return client


def change_url(record: object) -> str:
    meta = record._meta  # type: ignore[attr-defined]
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])  # type: ignore[attr-defined]


def test_a_team_added_in_the_admin_is_recorded_with_its_members(
    admin_client: Client, sysadmin: User
) -> None:
    alice = factories.agent(first_name="Alice", last_name="Ames")
    page = admin_client.get(reverse("admin:orgs_team_add"))
    data = posted(page, name="Payroll", slug="payroll", tier="1", members=[str(alice.pk)])
    assert admin_client.post(reverse("admin:orgs_team_add"), data).status_code == 302

    team = Team.objects.get(slug="payroll")
    recorded = steps(team)
    assert [(action, who, channel) for action, who, channel, _, _ in recorded] == [
        (Action.CREATED, "Sam Admin", Channel.ADMIN),
        (Action.CHANGED, "Sam Admin", Channel.ADMIN),
    ]
    assert recorded[0][4]["name"] == "Payroll"
    assert recorded[1][3:] == ({"members": []}, {"members": ["Alice Ames"]})
    assert entries_of(team)[0].actor_id == sysadmin.pk


def test_a_routing_rule_changed_in_the_admin_records_before_and_after(
    admin_client: Client,
) -> None:
    rule = RoutingRule.objects.create(team=factories.team(), position=10)
    url = change_url(rule)
    assert admin_client.post(url, posted(admin_client.get(url), position="30")).status_code == 302
    assert steps(rule)[-1] == (
        Action.CHANGED,
        "Sam Admin",
        Channel.ADMIN,
        {"position": 10},
        {"position": 30},
    )


def test_a_mailbox_password_changed_in_the_admin_is_hidden(admin_client: Client) -> None:
    mailbox = Mailbox.objects.create(
        name="Support",
        address="support@desk.example",
        host="imap.example",
        username="desk",
        password="old-secret",
    )
    url = change_url(mailbox)
    data = posted(admin_client.get(url), password="new-secret")  # noqa: S106 (a test value)
    assert admin_client.post(url, data).status_code == 302
    assert steps(mailbox)[-1][2:] == (Channel.ADMIN, {"password": HIDDEN}, {"password": HIDDEN})
    assert "secret" not in str(list(AuditEntry.objects.values_list("before", "after")))


def test_a_template_edited_in_the_admin_is_recorded(admin_client: Client) -> None:
    template = NotificationTemplate.objects.get(event="ticket_received")
    url = change_url(template)
    data = posted(admin_client.get(url), body="Thank you. {{ ticket.reference }}")
    assert admin_client.post(url, data).status_code == 302
    action, who, channel, before, after = steps(template)[-1]
    assert (action, who, channel) == (Action.CHANGED, "Sam Admin", Channel.ADMIN)
    assert before == {"body": template.body}
    assert after == {"body": "Thank you. {{ ticket.reference }}"}


def test_roles_granted_and_revoked_in_the_admin_keep_their_history(
    admin_client: Client, sysadmin: User
) -> None:
    person = factories.agent(Role.TIER1, username="tom")
    url = change_url(person)
    page = admin_client.get(url)
    data = posted(page)
    held = int(data["role_grants-INITIAL_FORMS"])
    data[f"role_grants-{held}-role"] = Role.TIER2
    data[f"role_grants-{held}-user"] = str(person.pk)
    assert admin_client.post(url, data).status_code == 302
    assert set(RoleGrant.objects.filter(user=person).values_list("role", flat=True)) == {
        Role.TIER1,
        Role.TIER2,
    }

    data = posted(admin_client.get(url), **{"role_grants-0-DELETE": "on"})
    assert admin_client.post(url, data).status_code == 302
    assert not RoleGrant.objects.filter(user=person, role=Role.TIER1).exists()

    history = {spell.role: spell for spell in role_history(sysadmin, person.pk)}
    assert set(history) == {Role.TIER1, Role.TIER2}
    assert history[Role.TIER1].granted_by == "shell"
    assert history[Role.TIER1].revoked_by == "Sam Admin"
    assert history[Role.TIER1].revoked_at is not None
    assert history[Role.TIER2].granted_by == "Sam Admin"
    assert history[Role.TIER2].revoked_at is None
    revoked = AuditEntry.objects.get(person_id=person.pk, action=Action.REVOKED)
    assert revoked.channel == Channel.ADMIN


def test_exit_gates_changed_through_the_api_are_the_callers(
    institution: Institution, manager: User
) -> None:
    path = f"/institutions/{institution.pk}/exit-gates"
    assert ApiClient(manager).put(path, {"gates": {"backlog": 2}}).status_code == 200
    assert ApiClient(manager).put(path, {"gates": {"backlog": 4}}).status_code == 200
    changed = AuditEntry.objects.get(action=Action.CHANGED)
    assert (changed.channel, changed.actor_id, changed.who) == (
        Channel.API,
        manager.pk,
        "Meera Moss",
    )
    assert (changed.before, changed.after) == ({"threshold": 2}, {"threshold": 4})


def test_a_saved_reply_written_on_the_desk_is_recorded_as_the_pages(manager: User) -> None:
    team = factories.team()
    team.members.add(manager)
    client = signed_in(manager)
    answer = client.post(
        reverse("web:saved-replies"), {"team": team.pk, "title": "Reset", "body": "Try a reset."}
    )
    assert answer.status_code == 302
    reply = SavedReply.objects.get()
    assert steps(reply)[0][:3] == (Action.CREATED, "Meera Moss", Channel.WEB)

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from tests import factories


@pytest.fixture
def admin_client_for(db: None) -> Client:
    client = Client()
    client.force_login(factories.user(Role.ADMIN, username="sysadmin"))
    return client


def test_every_admin_list_opens(admin_client_for: Client, requester: User) -> None:
    factories.ticket(requester)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client_for.get(url).status_code == 200, url


def test_tickets_and_timeline_are_read_only_in_admin(
    admin_client_for: Client, requester: User
) -> None:
    ticket = factories.ticket(requester)
    event = ticket.events.get()
    assert admin_client_for.get(reverse("admin:tickets_ticket_add")).status_code == 403
    delete_url = reverse("admin:tickets_ticketevent_delete", args=[event.pk])
    assert admin_client_for.post(delete_url, {"post": "yes"}).status_code == 403
    assert ticket.events.count() == 1


def test_institution_users_cannot_open_admin(client: Client, requester: User) -> None:
    client.force_login(requester)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_a_name_with_a_line_break_is_refused_in_the_admin(admin_client_for: Client) -> None:
    institution = factories.institution("Northfield University", slug="northfield")
    url = reverse("admin:orgs_institution_change", args=[institution.pk])
    page = admin_client_for.get(url).context["adminform"].form
    form = {key: value for key, value in page.initial.items() if value is not None}

    response = admin_client_for.post(url, {**form, "name": "Northfield\r\nBcc: x@evil.example"})

    assert response.status_code == 200
    assert "must be one line, without control characters" in response.content.decode()
    institution.refresh_from_db()
    assert institution.name == "Northfield University"


def test_no_admin_form_shows_a_dashed_placeholder(admin_client_for: Client) -> None:
    """An empty choice says "Choose…", as on the desk's own forms."""
    opened = 0
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        response = admin_client_for.get(url)
        if response.status_code != 200:
            continue  # read-only records have no add page
        opened += 1
        assert "---------" not in response.content.decode(), url
    assert opened >= 10

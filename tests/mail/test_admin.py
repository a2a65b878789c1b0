"""Mailboxes in the admin: the password is written, never shown, and kept when left empty."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hypercare.accounts.choices import Role
from hypercare.lib import clock
from hypercare.mail.choices import AfterFetch
from hypercare.mail.models import BouncedAddress, Mailbox, MailDomain
from tests import factories


@pytest.fixture
def admin_client(db: None) -> Client:
    client = Client()
    client.force_login(factories.user(Role.ADMIN, username="sysadmin"))
    return client


def form(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "Support",
        "address": "support@hypercare.example",
        "category": "question",
        "polls": "on",
        "host": "imap.hypercare.example",
        "port": "993",
        "security": "tls",
        "username": "support",
        "password": "first-passphrase",
        "folder": "INBOX",
        "after_fetch": AfterFetch.FLAG,
        "move_to": "",
    }
    values.update(fields)
    return values


def test_the_password_is_stored_but_never_shown(admin_client: Client) -> None:
    response = admin_client.post(reverse("admin:mail_mailbox_add"), form())
    assert response.status_code == 302
    mailbox = Mailbox.objects.get()
    assert mailbox.password == "first-passphrase"

    page = admin_client.get(reverse("admin:mail_mailbox_change", args=[mailbox.pk]))

    assert page.status_code == 200
    assert "first-passphrase" not in page.content.decode()
    assert "first-passphrase" not in repr(mailbox)


def test_an_empty_password_keeps_the_stored_one(admin_client: Client) -> None:
    admin_client.post(reverse("admin:mail_mailbox_add"), form())
    mailbox = Mailbox.objects.get()

    admin_client.post(
        reverse("admin:mail_mailbox_change", args=[mailbox.pk]),
        form(password="", folder="Support"),
    )

    mailbox.refresh_from_db()
    assert mailbox.folder == "Support"
    assert mailbox.password == "first-passphrase"


def test_moving_read_mail_needs_a_folder(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:mail_mailbox_add"), form(after_fetch=AfterFetch.MOVE)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["move_to"] == [
        "Name the folder read messages are moved to."
    ]
    assert Mailbox.objects.count() == 0


def test_a_polled_mailbox_needs_its_server(admin_client: Client) -> None:
    response = admin_client.post(reverse("admin:mail_mailbox_add"), form(host="", password=""))

    errors = response.context["adminform"].form.errors
    assert errors["host"] == ["Required when the mailbox is read over IMAP."]
    assert errors["password"] == ["Required when the mailbox is read over IMAP."]


def test_flagged_bounced_addresses_are_listed_for_admins(admin_client: Client) -> None:
    at = clock.now()
    BouncedAddress.objects.create(
        email="gone@example.edu", hard_bounces=3, last_bounced_at=at, flagged_at=at
    )
    BouncedAddress.objects.create(email="late@example.edu", soft_bounces=1, last_bounced_at=at)

    page = admin_client.get(reverse("admin:mail_bouncedaddress_changelist") + "?flagged=yes")

    assert page.status_code == 200
    assert "gone@example.edu" in page.content.decode()
    assert "late@example.edu" not in page.content.decode()


def test_admins_register_an_institutions_mail_domain(admin_client: Client) -> None:
    institution = factories.institution("Northfield")

    answer = admin_client.post(
        reverse("admin:mail_maildomain_add"),
        {"institution": institution.pk, "domain": "Northfield.Example.EDU"},
    )

    assert answer.status_code == 302
    assert MailDomain.objects.get().domain == "northfield.example.edu"

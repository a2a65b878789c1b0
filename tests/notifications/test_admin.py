from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.notifications.choices import DeliveryStatus, NotificationEvent
from hypercare.notifications.models import NotificationTemplate, OutboxMessage
from tests import factories

OUTBOX = reverse("admin:notifications_outboxmessage_changelist")


@pytest.fixture
def admin_client(db: None) -> Client:
    client = Client()
    client.force_login(factories.user(Role.ADMIN, username="sysadmin"))
    return client


def test_the_dead_letter_filter_lists_only_dead_letters(
    admin_client: Client, queue_mail: Callable[..., OutboxMessage]
) -> None:
    dead = queue_mail(status=DeliveryStatus.DEAD, last_error="550 no such user")
    pending = queue_mail()

    page = admin_client.get(OUTBOX, {"status__exact": "dead"}).content.decode()

    assert dead.to_email in page
    assert pending.to_email not in page
    assert "Dead letter" in admin_client.get(OUTBOX).content.decode()


def test_the_admin_action_queues_dead_letters_again(
    admin_client: Client, queue_mail: Callable[..., OutboxMessage]
) -> None:
    dead = queue_mail(status=DeliveryStatus.DEAD, attempts=8)
    sent = queue_mail(status=DeliveryStatus.SENT, attempts=1)

    response = admin_client.post(
        OUTBOX,
        {"action": "send_again", "_selected_action": [dead.pk, sent.pk]},
        follow=True,
    )

    assert "1 dead letters queued again." in response.content.decode()
    dead.refresh_from_db()
    sent.refresh_from_db()
    assert (dead.status, dead.attempts) == (DeliveryStatus.PENDING, 0)
    assert sent.status == DeliveryStatus.SENT


def test_an_edited_template_words_the_next_notification(
    admin_client: Client, requester: User
) -> None:
    template = NotificationTemplate.objects.get(event=NotificationEvent.TICKET_RECEIVED)
    url = reverse("admin:notifications_notificationtemplate_change", args=[template.pk])

    response = admin_client.post(
        url,
        {"subject": "Got it: {{ ticket.reference }}", "body": "Thanks, {{ recipient.username }}."},
    )

    assert response.status_code == 302
    ticket = factories.ticket(requester)
    message = OutboxMessage.objects.get()
    assert (message.subject, message.body) == (f"Got it: {ticket.reference}", "Thanks, riya.")


def test_a_template_that_does_not_compile_is_refused(admin_client: Client) -> None:
    template = NotificationTemplate.objects.get(event=NotificationEvent.TICKET_RECEIVED)
    url = reverse("admin:notifications_notificationtemplate_change", args=[template.pk])

    response = admin_client.post(
        url, {"subject": "Hi {% if %}", "body": "{{ ticket.reference|shout }}"}
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"subject", "body"}
    template.refresh_from_db()
    assert template.subject.startswith("[{{ ticket.reference }}]")


def test_templates_are_neither_added_nor_deleted(admin_client: Client) -> None:
    template = NotificationTemplate.objects.first()
    assert template is not None
    templates = NotificationTemplate.objects.count()

    assert (
        admin_client.get(reverse("admin:notifications_notificationtemplate_add")).status_code == 403
    )
    delete = reverse("admin:notifications_notificationtemplate_delete", args=[template.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert NotificationTemplate.objects.count() == templates

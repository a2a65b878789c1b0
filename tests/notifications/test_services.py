import logging
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.defaults import DEFAULT_TEMPLATES
from hypercare.notifications.models import (
    NotificationPreference,
    NotificationTemplate,
    OutboxMessage,
)
from hypercare.notifications.selectors import notification_preferences
from hypercare.notifications.services import (
    notify,
    restore_missing_templates,
    set_notification_preferences,
)
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Ticket
from tests import factories


def test_a_new_ticket_queues_its_reference_for_the_requester(requester: User) -> None:
    ticket = factories.ticket(requester)

    message = OutboxMessage.objects.get()
    assert message.event == NotificationEvent.TICKET_RECEIVED
    assert message.to_email == requester.email
    assert message.subject == f"[{ticket.reference}] We have your request: {ticket.title}"
    assert ticket.reference in message.body
    assert f"/tickets/{ticket.pk}/" in message.body


def test_a_requester_who_opted_out_gets_no_mail(requester: User) -> None:
    set_notification_preferences(user=requester, email={NotificationEvent.TICKET_RECEIVED: False})

    factories.ticket(requester)

    assert not OutboxMessage.objects.exists()


def test_opting_out_of_one_event_keeps_the_others(requester: User) -> None:
    set_notification_preferences(user=requester, email={NotificationEvent.PUBLIC_REPLY: False})

    ticket = factories.ticket(requester)
    notify(event=NotificationEvent.STATUS_CHANGED, ticket=ticket, recipients=[requester], cause="t")

    assert sorted(OutboxMessage.objects.values_list("event", flat=True)) == [
        NotificationEvent.STATUS_CHANGED,
        NotificationEvent.TICKET_RECEIVED,
    ]


def test_the_same_cause_is_queued_once(requester: User, agent: User) -> None:
    ticket = factories.ticket(requester)
    OutboxMessage.objects.all().delete()

    def breach(cause: str) -> list[str]:
        notify(
            event=NotificationEvent.SLA_BREACH,
            ticket=ticket,
            recipients=[agent, agent, None],
            cause=cause,
            context={"clock": "resolution", "due_at": "-"},
        )
        return list(OutboxMessage.objects.order_by("pk").values_list("dedupe_key", flat=True))

    first = breach("sla:resolution:breach")
    repeated = breach("sla:resolution:breach")
    other_clock = breach("sla:first_response:breach")

    assert len(first) == 1
    assert repeated == first
    assert len(other_clock) == 2
    assert other_clock[0] == first[0]
    assert OutboxMessage.objects.filter(to_email=agent.email).count() == 2


def test_people_without_an_address_are_skipped(requester: User) -> None:
    ticket = factories.ticket(requester)
    requester.email = ""
    requester.save(update_fields=["email"])

    OutboxMessage.objects.all().delete()

    notify(event=NotificationEvent.STATUS_CHANGED, ticket=ticket, recipients=[requester], cause="x")

    assert not OutboxMessage.objects.exists()


def test_preferences_default_to_every_event_on(requester: User) -> None:
    preferences = notification_preferences(requester)

    assert [preference.event for preference in preferences] == list(NotificationEvent.values)
    assert all(preference.email for preference in preferences)


def test_changing_a_preference_twice_keeps_one_row(requester: User) -> None:
    set_notification_preferences(user=requester, email={NotificationEvent.SLA_WARNING: False})
    set_notification_preferences(user=requester, email={NotificationEvent.SLA_WARNING: True})

    assert NotificationPreference.objects.filter(user=requester).count() == 1
    chosen = {p.event: p.email for p in notification_preferences(requester)}
    assert chosen[NotificationEvent.SLA_WARNING] is True


def test_an_unknown_event_is_refused(requester: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        set_notification_preferences(user=requester, email={"birthday": False})

    assert refused.value.errors == {"event": "unknown event birthday"}
    assert not NotificationPreference.objects.exists()


def test_a_subject_is_one_line_whatever_the_values_it_is_rendered_from(
    requester: User, institution: Institution
) -> None:
    """Values stored before control characters were refused must not break a header."""
    ticket = factories.ticket(requester)
    Ticket.objects.filter(pk=ticket.pk).update(title="Fees\r\n  down\x1b again")
    NotificationTemplate.objects.filter(event=NotificationEvent.STATUS_CHANGED).update(
        subject="[{{ ticket.reference }}] {{ ticket.title }}\n"
    )
    ticket.refresh_from_db()

    notify(event=NotificationEvent.STATUS_CHANGED, ticket=ticket, recipients=[requester], cause="t")

    message = OutboxMessage.objects.get(event=NotificationEvent.STATUS_CHANGED)
    assert message.subject == f"[{ticket.reference}] Fees down again"


# Templates ---------------------------------------------------------------------------------


def templates() -> dict[str, tuple[str, str]]:
    return {t.event: (t.subject, t.body) for t in NotificationTemplate.objects.all()}


def test_the_built_in_wording_is_what_the_migrations_seeded(db: None) -> None:
    assert set(DEFAULT_TEMPLATES) == set(NotificationEvent.values)
    assert templates() == DEFAULT_TEMPLATES


def test_a_missing_template_falls_back_to_the_built_in_wording_and_warns(
    requester: User, caplog: pytest.LogCaptureFixture
) -> None:
    ticket = factories.ticket(requester)
    NotificationTemplate.objects.filter(event=NotificationEvent.STATUS_CHANGED).delete()

    with caplog.at_level(logging.WARNING, logger="hypercare.notifications"):
        notify(
            event=NotificationEvent.STATUS_CHANGED, ticket=ticket, recipients=[requester], cause="x"
        )

    message = OutboxMessage.objects.get(event=NotificationEvent.STATUS_CHANGED)
    assert message.subject == f"[{ticket.reference}] Now new: {ticket.title}"
    assert message.body == (
        f"Hello Riya,\n\nYour request {ticket.reference} is now new.\n\n"
        f"— Hypercare support desk\n{settings.SITE_URL}/tickets/{ticket.pk}/\n"
    )
    assert "The notification template status_changed is missing" in caplog.text


def test_restoring_templates_recreates_only_the_missing_ones(db: None) -> None:
    NotificationTemplate.objects.filter(event=NotificationEvent.SLA_WARNING).update(subject="Mine")
    NotificationTemplate.objects.filter(
        event__in=[NotificationEvent.TICKET_SHIPPED, NotificationEvent.PUBLIC_REPLY]
    ).delete()

    restored = restore_missing_templates()

    assert restored == [NotificationEvent.PUBLIC_REPLY, NotificationEvent.TICKET_SHIPPED]
    assert templates() == {
        **DEFAULT_TEMPLATES,
        NotificationEvent.SLA_WARNING: (
            "Mine",
            DEFAULT_TEMPLATES[NotificationEvent.SLA_WARNING][1],
        ),
    }
    assert restore_missing_templates() == []


def test_the_restore_command_names_what_it_restored(db: None) -> None:
    NotificationTemplate.objects.filter(event=NotificationEvent.TICKET_RECEIVED).delete()
    first, second = StringIO(), StringIO()

    call_command("restore_notification_templates", stdout=first)
    call_command("restore_notification_templates", stdout=second)

    assert first.getvalue() == "Restored the notification templates ticket_received.\n"
    assert second.getvalue() == "Every notification template is there; nothing to restore.\n"

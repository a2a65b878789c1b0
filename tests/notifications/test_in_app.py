"""The notification centre: written by ``notify`` beside the mail, as each person chose,
read and marked read by its recipient alone, and pruned once read long enough."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction

from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.jobs import JOBS
from hypercare.notifications.choices import Channel, NotificationEvent
from hypercare.notifications.models import InAppNotification, NotificationPreference, OutboxMessage
from hypercare.notifications.selectors import (
    HIDDEN_TICKET,
    notification_preferences,
    own_notifications,
    shown_notifications,
    unread_count,
)
from hypercare.notifications.services import (
    mark_all_notifications_read,
    mark_notification_read,
    notify,
    set_notification_channels,
    set_notification_preferences,
)
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Ticket
from tests import factories

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RECEIVED = NotificationEvent.TICKET_RECEIVED


def test_a_new_ticket_reaches_the_requesters_notification_centre_as_its_mail_says(
    requester: User,
) -> None:
    ticket = factories.ticket(requester)

    shown = InAppNotification.objects.get()
    mail = OutboxMessage.objects.get()
    assert (shown.recipient, shown.event, shown.ticket) == (requester, RECEIVED, ticket)
    assert (
        shown.subject
        == mail.subject
        == f"[{ticket.reference}] We have your request: {ticket.title}"
    )
    assert shown.read_at is None
    assert unread_count(requester) == 1


@pytest.mark.parametrize(
    ("channel", "mails", "in_app"),
    [(Channel.BOTH, 1, 1), (Channel.MAIL, 1, 0), (Channel.IN_APP, 0, 1), (Channel.NONE, 0, 0)],
)
def test_each_channel_sends_what_it_says(
    requester: User, channel: Channel, mails: int, in_app: int
) -> None:
    set_notification_channels(user=requester, channels={RECEIVED: channel})

    factories.ticket(requester)

    assert OutboxMessage.objects.count() == mails
    assert InAppNotification.objects.count() == in_app
    assert notification_preferences(requester)[0].channel == channel


def test_a_mail_only_switch_keeps_the_notification_centre_as_it_was(requester: User) -> None:
    set_notification_channels(user=requester, channels={RECEIVED: Channel.IN_APP})
    set_notification_preferences(user=requester, email={RECEIVED: True})

    stored = NotificationPreference.objects.get(user=requester)
    assert (stored.email, stored.in_app) == (True, True)


def test_someone_without_an_address_still_sees_it_in_the_desk(requester: User) -> None:
    User.objects.filter(pk=requester.pk).update(email="")
    requester.refresh_from_db()

    factories.ticket(requester)

    assert not OutboxMessage.objects.exists()
    assert InAppNotification.objects.get().recipient == requester


def test_the_same_cause_shows_once(requester: User) -> None:
    ticket = factories.ticket(requester)
    for _ in range(2):
        notify(
            event=NotificationEvent.STATUS_CHANGED,
            ticket=ticket,
            recipients=[requester],
            cause="e1",
        )

    assert own_notifications(requester).filter(event=NotificationEvent.STATUS_CHANGED).count() == 1


def test_a_change_that_rolls_back_leaves_no_notification(requester: User) -> None:
    ticket = factories.ticket(requester)
    InAppNotification.objects.all().delete()

    def change_that_fails() -> None:
        with transaction.atomic():
            notify(
                event=NotificationEvent.STATUS_CHANGED,
                ticket=ticket,
                recipients=[requester],
                cause="x",
            )
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_that_fails()

    assert not InAppNotification.objects.exists()


def test_a_person_marks_only_their_own_read_and_keeps_when_first_read(
    requester: User, colleague: User
) -> None:
    with time_machine.travel(T0, tick=False):
        factories.ticket(requester)
        factories.ticket(colleague)
    theirs = InAppNotification.objects.get(recipient=colleague)
    mine = InAppNotification.objects.get(recipient=requester)

    with pytest.raises(NotFound):
        mark_notification_read(user=requester, pk=theirs.pk)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        mark_notification_read(user=requester, pk=mine.pk)
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        mark_notification_read(user=requester, pk=mine.pk)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at == T0 + timedelta(hours=1)
    assert theirs.read_at is None
    assert unread_count(requester) == 0
    assert unread_count(colleague) == 1


def test_marking_all_read_touches_only_the_persons_unread_ones(
    requester: User, colleague: User
) -> None:
    factories.ticket(requester)
    factories.ticket(requester)
    factories.ticket(colleague)

    assert mark_all_notifications_read(user=requester) == 2
    assert mark_all_notifications_read(user=requester) == 0
    assert unread_count(requester) == 0
    assert unread_count(colleague) == 1
    assert list(own_notifications(requester, unread=True)) == []
    assert own_notifications(requester, unread=False).count() == 2


def test_a_ticket_no_longer_seen_keeps_its_notification_but_not_its_title(
    requester: User, agent: User, other_institution: Institution
) -> None:
    ticket = factories.ticket(requester, title="Payroll export of Dr Secret fails")
    notify(event=NotificationEvent.STATUS_CHANGED, ticket=ticket, recipients=[agent], cause="m")
    Ticket.objects.filter(pk=ticket.pk).update(institution=other_institution)

    [row] = shown_notifications(requester, list(own_notifications(requester)))

    assert row.subject == HIDDEN_TICKET
    assert row.ticket_id is None
    assert row.label == RECEIVED.label
    [seen] = shown_notifications(agent, list(own_notifications(agent)))
    assert "Dr Secret" in seen.subject
    assert seen.ticket_id == ticket.pk


def test_the_retention_job_removes_only_notifications_read_over_90_days_ago(
    requester: User,
) -> None:
    with time_machine.travel(T0, tick=False):
        old_read, recent_read, old_unread = (factories.ticket(requester) for _ in range(3))
    rows = {n.ticket_id: n for n in InAppNotification.objects.all()}
    InAppNotification.objects.filter(pk=rows[old_read.pk].pk).update(read_at=T0)
    InAppNotification.objects.filter(pk=rows[recent_read.pk].pk).update(
        read_at=T0 + timedelta(days=2)
    )

    with time_machine.travel(T0 + timedelta(days=91), tick=False):
        assert JOBS["notification_retention"].function() == {"removed": 1}
        assert JOBS["notification_retention"].function() == {"removed": 0}

    left = set(InAppNotification.objects.values_list("ticket_id", flat=True))
    assert left == {recent_read.pk, old_unread.pk}

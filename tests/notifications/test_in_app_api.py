"""The notification centre through the API: your own, paged, newest first; the unread
count; marking read; and the channel among the preferences."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.models import User
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import InAppNotification, NotificationPreference
from hypercare.notifications.selectors import HIDDEN_TICKET
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Ticket
from tests import factories
from tests.api.conftest import ApiClient

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _three_tickets(requester: User) -> list[Ticket]:
    tickets = []
    for hour in range(3):
        with time_machine.travel(T0 + timedelta(hours=hour), tick=False):
            tickets.append(factories.ticket(requester, title=f"Ticket {hour}"))
    return tickets


def test_the_list_is_your_own_newest_first_paged_and_filtered(
    requester: User, colleague: User
) -> None:
    tickets = _three_tickets(requester)
    factories.ticket(colleague)
    api = ApiClient(requester)

    page = api.get("/notifications", {"page_size": 2}).json()

    assert page["count"] == 3
    assert [row["ticket_id"] for row in page["results"]] == [tickets[2].pk, tickets[1].pk]
    assert page["results"][0]["event"] == "ticket_received"
    assert page["results"][0]["subject"].endswith("Ticket 2")
    assert page["results"][0]["read_at"] is None
    second = api.get("/notifications", {"page_size": 2, "page": 2}).json()
    assert [row["ticket_id"] for row in second["results"]] == [tickets[0].pk]

    newest = page["results"][0]["id"]
    assert api.post(f"/notifications/{newest}/read").json()["read_at"] is not None
    unread = api.get("/notifications", {"unread": "true"}).json()
    assert [row["ticket_id"] for row in unread["results"]] == [tickets[1].pk, tickets[0].pk]
    read = api.get("/notifications", {"unread": "false"}).json()
    assert [row["id"] for row in read["results"]] == [newest]
    assert api.get("/notifications/unread-count").json() == {"unread": 2}


def test_marking_all_read_says_how_many(requester: User, colleague: User) -> None:
    _three_tickets(requester)
    factories.ticket(colleague)
    api = ApiClient(requester)

    assert api.post("/notifications/read-all").json() == {"marked_read": 3}
    assert api.get("/notifications/unread-count").json() == {"unread": 0}
    assert ApiClient(colleague).get("/notifications/unread-count").json() == {"unread": 1}


def test_someone_elses_notification_is_not_found(requester: User, colleague: User) -> None:
    factories.ticket(colleague)
    theirs = InAppNotification.objects.get()

    answer = ApiClient(requester).post(f"/notifications/{theirs.pk}/read")

    assert answer.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_ticket_moved_away_keeps_its_title_to_itself(
    requester: User, other_institution: Institution
) -> None:
    ticket = factories.ticket(requester, title="Salary of the dean")
    Ticket.objects.filter(pk=ticket.pk).update(institution=other_institution)

    [row] = ApiClient(requester).get("/notifications").json()["results"]

    assert row["subject"] == HIDDEN_TICKET
    assert row["ticket_id"] is None


def test_the_list_reads_a_page_in_a_fixed_number_of_queries(requester: User) -> None:
    _three_tickets(requester)
    api = ApiClient(requester)
    api.get("/notifications")  # the token's first use is recorded once

    with CaptureQueriesContext(connection) as few:
        api.get("/notifications")
    _three_tickets(requester)
    with CaptureQueriesContext(connection) as more:
        api.get("/notifications")

    assert len(more) == len(few)


def test_unknown_filters_and_bad_ids_are_refused_naming_the_field(requester: User) -> None:
    api = ApiClient(requester)

    answer = api.get("/notifications", {"colour": "red"})
    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == ["colour"]
    assert api.post("/notifications/0/read").status_code == 422
    assert api.get("/notifications", {"unread": "maybe"}).status_code == 422


def test_the_notification_centre_needs_a_signed_in_person(db: None) -> None:
    api = ApiClient(None)
    assert api.get("/notifications").status_code == 401
    assert api.get("/notifications/unread-count").status_code == 401
    assert api.post("/notifications/read-all").status_code == 401


def test_a_channel_sets_mail_and_in_app_at_once(requester: User) -> None:
    api = ApiClient(requester)

    answer = api.put(
        "/me/notification-preferences",
        {"preferences": [{"event": "public_reply", "channel": "in_app"}]},
    )

    assert answer.status_code == 200
    row = {row["event"]: row for row in answer.json()}["public_reply"]
    assert (row["email"], row["in_app"], row["channel"]) == (False, True, "in_app")
    stored = NotificationPreference.objects.get(user=requester)
    assert (stored.event, stored.email, stored.in_app) == (
        NotificationEvent.PUBLIC_REPLY,
        False,
        True,
    )
    # A client that knows only the mail switch leaves the notification centre as it is.
    api.put(
        "/me/notification-preferences",
        {"preferences": [{"event": "public_reply", "email": True}]},
    )
    stored.refresh_from_db()
    assert (stored.email, stored.in_app) == (True, True)

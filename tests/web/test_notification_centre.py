"""The notification centre's pages: the bell on every page, kept current by polling; the
list; opening one (read, then its ticket); marking read; and nobody else's."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.models import User
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import InAppNotification
from hypercare.notifications.selectors import HIDDEN_TICKET
from hypercare.notifications.services import notify
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Ticket
from tests import factories
from tests.web.conftest import signed_in

HTMX = {"HX-Request": "true"}


def test_the_bell_shows_the_unread_count_on_the_portal_and_the_desk(
    requester: User, agent: User
) -> None:
    ticket = factories.ticket(requester)
    notify(event=NotificationEvent.TICKET_ASSIGNED, ticket=ticket, recipients=[agent], cause="a")
    factories.ticket(requester)

    portal = signed_in(requester).get("/portal/").content.decode()
    desk = signed_in(agent).get("/desk/").content.decode()

    assert 'id="notification-bell"' in portal
    assert 'hx-trigger="every 30s"' in portal
    assert '<span class="count" data-unread-count>2<span class="visually-hidden"> unread' in portal
    assert '<span class="count" data-unread-count>1<span class="visually-hidden"> unread' in desk


def test_the_polled_bell_follows_new_notifications(requester: User) -> None:
    client = signed_in(requester)
    before = client.get("/notifications/bell/", headers=HTMX).content.decode()
    factories.ticket(requester)

    after = client.get("/notifications/bell/", headers=HTMX)

    assert "data-unread-count" not in before
    assert after.status_code == 200
    assert "data-unread-count>1<" in after.content.decode()
    assert "<html" not in after.content.decode()


def test_the_bell_counts_in_one_query(requester: User) -> None:
    client = signed_in(requester)
    factories.ticket(requester)
    client.get("/notifications/bell/", headers=HTMX)

    with CaptureQueriesContext(connection) as queries:
        client.get("/notifications/bell/", headers=HTMX)

    counts = [q["sql"] for q in queries if "notifications_inappnotification" in q["sql"]]
    assert len(counts) == 1


def test_a_signed_out_tab_stops_polling_and_the_bell_alone_opens_the_list(
    requester: User,
) -> None:
    assert Client().get("/notifications/bell/", headers=HTMX).status_code == 286
    answer = signed_in(requester).get("/notifications/bell/")
    assert answer.status_code == 302
    assert answer["Location"] == "/notifications/"


def test_the_list_marks_unread_ones_and_opening_one_reads_it_and_goes_to_its_ticket(
    requester: User,
) -> None:
    ticket = factories.ticket(requester, title="Invoices stuck in approval")
    client = signed_in(requester)
    notification = InAppNotification.objects.get()

    page = client.get("/notifications/").content.decode()
    assert "Invoices stuck in approval" in page
    assert "notification--unread" in page
    assert f'action="/notifications/{notification.pk}/open/"' in page

    opened = client.post(f"/notifications/{notification.pk}/open/")

    assert opened.status_code == 302
    assert opened["Location"] == f"/tickets/{ticket.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "notification--unread" not in client.get("/notifications/").content.decode()
    assert "Nothing unread." in client.get("/notifications/?show=unread").content.decode()


def test_mark_read_and_mark_all_read(requester: User) -> None:
    for _ in range(3):
        factories.ticket(requester)
    client = signed_in(requester)
    first = InAppNotification.objects.order_by("pk").first()
    assert first is not None

    assert client.post(f"/notifications/{first.pk}/read/").status_code == 302
    assert InAppNotification.objects.filter(read_at__isnull=True).count() == 2
    answer = client.post("/notifications/read-all/", follow=True)

    assert "2 notifications marked read." in answer.content.decode()
    assert not InAppNotification.objects.filter(read_at__isnull=True).exists()


def test_someone_elses_notification_is_not_found_and_stays_unread(
    requester: User, colleague: User
) -> None:
    factories.ticket(colleague, title="Colleague's own problem")
    theirs = InAppNotification.objects.get()
    client = signed_in(requester)

    assert client.post(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    client.post("/notifications/read-all/")
    assert "Colleague's own problem" not in client.get("/notifications/").content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_ticket_moved_away_is_listed_without_its_title_or_link(
    requester: User, other_institution: Institution
) -> None:
    ticket = factories.ticket(requester, title="Salary of the dean")
    Ticket.objects.filter(pk=ticket.pk).update(institution=other_institution)
    client = signed_in(requester)
    notification = InAppNotification.objects.get()

    page = client.get("/notifications/").content.decode()

    assert "Salary of the dean" not in page
    assert HIDDEN_TICKET in page
    assert "/open/" not in page
    opened = client.post(f"/notifications/{notification.pk}/open/")
    assert opened["Location"] == "/notifications/"


def test_the_list_reads_a_page_in_a_fixed_number_of_queries(requester: User) -> None:
    client = signed_in(requester)
    factories.ticket(requester)
    client.get("/notifications/")

    with CaptureQueriesContext(connection) as few:
        client.get("/notifications/")
    for _ in range(4):
        factories.ticket(requester)
    with CaptureQueriesContext(connection) as more:
        client.get("/notifications/")

    assert len(more) == len(few)

"""Every signed-in person's profile: their name, their time zone, the mail they want."""

from django.test import Client
from django.utils.html import escape

from hypercare.accounts.models import User
from hypercare.notifications.choices import REQUESTER_EVENTS, Channel, NotificationEvent
from hypercare.notifications.models import NotificationPreference
from tests.web.conftest import signed_in


def test_staff_set_their_zone_and_name_and_every_page_follows(agent: User) -> None:
    client = signed_in(agent)
    page = client.get("/account/").content.decode()
    assert "Not set: UTC" in page
    assert '<optgroup label="Asia">' in page

    saved = client.post(
        "/account/",
        {"first_name": "Tara", "last_name": "Iyer", "time_zone": "Asia/Kolkata"},
        follow=True,
    )

    agent.refresh_from_db()
    assert (agent.first_name, agent.last_name, agent.time_zone) == ("Tara", "Iyer", "Asia/Kolkata")
    html = saved.content.decode()
    assert "Your profile is saved." in html
    assert 'id="profile-zone">Asia/Kolkata' in html
    assert "times in Asia/Kolkata" in client.get("/desk/").content.decode()


def test_an_unknown_zone_is_refused_by_its_field(agent: User) -> None:
    answer = signed_in(agent).post("/account/", {"time_zone": "Mars/Olympus_Mons"})

    assert answer.status_code == 422
    assert 'id="id_time_zone_error"' in answer.content.decode()
    agent.refresh_from_db()
    assert agent.time_zone == ""


def test_an_empty_zone_falls_back_to_the_institutions(requester: User) -> None:
    requester.time_zone = "Europe/Paris"
    requester.save()
    client = signed_in(requester)
    assert "Same as Northfield University (UTC)" in client.get("/account/").content.decode()

    client.post("/account/", {"first_name": "Riya", "last_name": "", "time_zone": ""})

    requester.refresh_from_db()
    assert (requester.time_zone, requester.viewing_time_zone) == ("", "UTC")


def test_notification_choices_are_saved_through_the_apis_service(requester: User) -> None:
    client = signed_in(requester)
    page = client.get("/account/").content.decode()
    # A requester is offered the news of their own requests, not the desk's mail.
    assert NotificationEvent.PUBLIC_REPLY.label in page
    assert NotificationEvent.SLA_BREACH.label not in page
    assert '<option value="both" selected>' in page
    wanted = {event: Channel.BOTH for event in REQUESTER_EVENTS}
    wanted[NotificationEvent.PUBLIC_REPLY] = Channel.IN_APP
    wanted[NotificationEvent.STATUS_CHANGED] = Channel.NONE

    answer = client.post("/account/notifications/", wanted)

    assert answer.status_code == 302
    stored = {
        event: Channel.of(email=email, in_app=in_app)
        for event, email, in_app in NotificationPreference.objects.filter(
            user=requester
        ).values_list("event", "email", "in_app")
    }
    assert stored == wanted
    api = client.get("/api/v1/me/notification-preferences").json()
    assert {row["event"]: row["channel"] for row in api}[NotificationEvent.PUBLIC_REPLY] == "in_app"
    assert {row["event"]: row["email"] for row in api}[NotificationEvent.PUBLIC_REPLY] is False


def test_a_channel_that_is_not_offered_is_refused_on_its_field(requester: User) -> None:
    answer = signed_in(requester).post(
        "/account/notifications/", {NotificationEvent.PUBLIC_REPLY: "pigeon"}
    )

    assert answer.status_code == 422
    assert "Select a valid choice" in answer.content.decode()
    assert not NotificationPreference.objects.exists()


def test_staff_are_offered_every_notification(agent: User) -> None:
    page = signed_in(agent).get("/account/").content.decode()

    # As HTML: a label's apostrophe ("the team's lead") is escaped on the page.
    assert all(escape(event.label) in page for event in NotificationEvent)


def test_the_user_menu_links_the_profile_and_strangers_are_sent_to_sign_in(
    agent: User, requester: User
) -> None:
    for person in (agent, requester):
        assert 'href="/account/"' in signed_in(person).get("/", follow=True).content.decode()
    answer = Client().get("/account/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/login/")


def test_an_institution_user_reads_which_articles_are_chosen_for_them(
    requester: User,
) -> None:
    """The work area decides which help articles they read; the page and ``/me`` say it."""
    requester.erp_role, requester.work_area = "Exams administrator", "exam_cell"
    requester.save(update_fields=["erp_role", "work_area"])

    page = signed_in(requester).get("/account/").content.decode()

    assert "you work as <strong>Exams administrator</strong>" in page
    assert "chosen for <strong>Exam cell</strong>" in page
    assert signed_in(requester).get("/api/v1/me").json()["work_area"] == "exam_cell"

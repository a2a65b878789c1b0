from typing import Any

import pytest
from django.test import Client

from hypercare.accounts.models import User
from hypercare.accounts.services import issue_token
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import NotificationPreference, OutboxMessage
from tests import factories

URL = "/api/v1/me/notification-preferences"


def _headers(user: User) -> dict[str, str]:
    _, plain = issue_token(user=user, name="tests")
    return {"Authorization": f"Bearer {plain}"}


def _put(client: Client, user: User, body: Any) -> Any:
    return client.put(URL, body, content_type="application/json", headers=_headers(user))


def test_preferences_list_every_event_switched_on(client: Client, requester: User) -> None:
    response = client.get(URL, headers=_headers(requester))

    assert response.status_code == 200
    assert response.json()[0] == {
        "event": "ticket_received",
        "label": "Ticket received (to the requester)",
        "email": True,
        "in_app": True,
        "channel": "both",
    }
    assert [row["event"] for row in response.json()] == list(NotificationEvent.values)


def test_switching_an_event_off_stops_its_mail(client: Client, requester: User) -> None:
    response = _put(
        client, requester, {"preferences": [{"event": "ticket_received", "email": False}]}
    )

    assert response.status_code == 200
    assert {row["event"]: row["email"] for row in response.json()}["ticket_received"] is False
    factories.ticket(requester)
    assert not OutboxMessage.objects.exists()


def test_events_left_out_keep_their_setting(client: Client, requester: User) -> None:
    _put(client, requester, {"preferences": [{"event": "public_reply", "email": False}]})
    response = _put(
        client, requester, {"preferences": [{"event": "status_changed", "email": False}]}
    )

    off = sorted(row["event"] for row in response.json() if not row["email"])
    assert off == ["public_reply", "status_changed"]


def test_a_person_changes_only_their_own_preferences(
    client: Client, requester: User, colleague: User
) -> None:
    _put(client, requester, {"preferences": [{"event": "public_reply", "email": False}]})

    assert not NotificationPreference.objects.filter(user=colleague).exists()
    colleague_view = client.get(URL, headers=_headers(colleague)).json()
    assert all(row["email"] for row in colleague_view)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"preferences": [{"event": "birthday", "email": False}]}, "preferences.0.event"),
        ({"preferences": [{"event": "public_reply"}]}, "preferences.0.channel"),
        (
            {"preferences": [{"event": "public_reply", "channel": "mail", "email": True}]},
            "preferences.0.channel",
        ),
        (
            {"preferences": [{"event": "public_reply", "channel": "pigeon"}]},
            "preferences.0.channel",
        ),
        ({"preferences": [{"event": "public_reply", "email": "sometimes"}]}, "preferences.0.email"),
        (
            {"preferences": [{"event": "public_reply", "email": False, "sms": True}]},
            "preferences.0.sms",
        ),
        (
            {
                "preferences": [
                    {"event": "public_reply", "email": False},
                    {"event": "public_reply", "email": True},
                ]
            },
            "preferences",
        ),
        ({}, "preferences"),
    ],
)
def test_bad_preferences_are_refused_naming_the_field(
    client: Client, requester: User, body: Any, field: str
) -> None:
    response = _put(client, requester, body)

    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not NotificationPreference.objects.exists()


def test_preferences_need_a_signed_in_person(client: Client, db: None) -> None:
    assert client.get(URL).status_code == 401
    assert client.put(URL, {}, content_type="application/json").status_code == 401


def test_a_signed_in_session_can_change_preferences(client: Client, requester: User) -> None:
    client.force_login(requester)

    response = client.put(
        URL,
        {"preferences": [{"event": "ticket_resolved", "email": False}]},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=requester).email is False

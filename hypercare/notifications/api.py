"""The caller's own notification preferences and notification centre."""

from collections import Counter
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict

from hypercare.accounts.models import User
from hypercare.api.common import (
    DbId,
    Page,
    PageQuery,
    PageReader,
    actor,
    errors,
    paginate,
    refuse_unknown_query,
)
from hypercare.errors import ValidationFailed
from hypercare.notifications import selectors, services
from hypercare.notifications.choices import Channel, NotificationEvent
from hypercare.notifications.models import InAppNotification

router = Router(tags=["notifications"])
PATH = "/me/notification-preferences"
NO_NOTIFICATION = "No notification of yours has this id."


class PreferenceOut(Schema):
    event: str
    label: str
    email: bool
    in_app: bool
    channel: Channel


class PreferenceIn(Schema):
    """Either ``channel``, or ``email`` and ``in_app`` (either alone keeps the other as
    it was, so a client that knows only ``email`` goes on working)."""

    model_config = ConfigDict(extra="forbid")
    event: NotificationEvent
    email: bool | None = None
    in_app: bool | None = None
    channel: Channel | None = None


class PreferencesIn(Schema):
    model_config = ConfigDict(extra="forbid")
    preferences: list[PreferenceIn]


@router.get(PATH, response={200: list[PreferenceOut], **errors(401)})
def notification_preferences(request: HttpRequest) -> list[dict[str, Any]]:
    return [_preference(choice) for choice in selectors.notification_preferences(actor(request))]


@router.put(PATH, response={200: list[PreferenceOut], **errors(401, 422)})
def set_notification_preferences(
    request: HttpRequest, payload: PreferencesIn
) -> list[dict[str, Any]]:
    """Events left out keep their setting."""
    user = actor(request)
    events = [choice.event.value for choice in payload.preferences]
    twice = sorted(event for event, count in Counter(events).items() if count > 1)
    if twice:
        raise ValidationFailed({"preferences": f"lists {', '.join(twice)} more than once"})
    email: dict[str, bool] = {}
    in_app: dict[str, bool] = {}
    for index, choice in enumerate(payload.preferences):
        by_mail, shown = _wanted(choice, f"preferences.{index}")
        if by_mail is not None:
            email[choice.event.value] = by_mail
        if shown is not None:
            in_app[choice.event.value] = shown
    services.set_notification_preferences(user=user, email=email, in_app=in_app)
    return [_preference(choice) for choice in selectors.notification_preferences(user)]


def _wanted(choice: PreferenceIn, field: str) -> tuple[bool | None, bool | None]:
    """Mail and in-app as one choice asks them: the channel, or the two switches."""
    if choice.channel is None:
        if choice.email is None and choice.in_app is None:
            raise ValidationFailed({f"{field}.channel": "is required, or email or in_app"})
        return choice.email, choice.in_app
    if choice.email is not None or choice.in_app is not None:
        raise ValidationFailed({f"{field}.channel": "is given with email or in_app: give one"})
    return choice.channel.by_mail, choice.channel.in_app


def _preference(choice: selectors.Preference) -> dict[str, Any]:
    return {
        "event": choice.event,
        "label": choice.label,
        "email": choice.email,
        "in_app": choice.in_app,
        "channel": choice.channel,
    }


class NotificationOut(Schema):
    id: int
    event: str
    label: str
    subject: str
    ticket_id: int | None
    created_at: datetime
    read_at: datetime | None


class NotificationQuery(Schema):
    unread: bool | None = None


class UnreadCountOut(Schema):
    unread: int


class ReadAllOut(Schema):
    marked_read: int


LIST_PARAMETERS = {*NotificationQuery.model_fields, *PageQuery.model_fields}


def _shown(user: User) -> PageReader:
    """Reads a page of the user's notifications as they may be shown them."""

    def read_page(
        items: QuerySet[InAppNotification], start: int, stop: int
    ) -> list[selectors.NotificationRow]:
        return selectors.shown_notifications(user, list(items[start:stop]))

    return read_page


@router.get("/notifications", response={200: Page[NotificationOut], **errors(401, 422)})
def list_notifications(
    request: HttpRequest, query: Query[NotificationQuery], paging: Query[PageQuery]
) -> dict[str, object]:
    """Your own notification centre, newest first (`unread=true`: the unread ones only).
    A notification about a ticket you may no longer see keeps its event but not its
    subject or ticket."""
    refuse_unknown_query(request, LIST_PARAMETERS)
    user = actor(request)
    found = selectors.own_notifications(user, unread=query.unread)
    return paginate(found, paging, _shown(user))


@router.get("/notifications/unread-count", response={200: UnreadCountOut, **errors(401)})
def unread_count(request: HttpRequest) -> dict[str, int]:
    """How many of your notifications are unread."""
    return {"unread": selectors.unread_count(actor(request))}


@router.post("/notifications/read-all", response={200: ReadAllOut, **errors(401)})
def read_all(request: HttpRequest) -> dict[str, int]:
    """Mark all your notifications read."""
    return {"marked_read": services.mark_all_notifications_read(user=actor(request))}


@router.post(
    "/notifications/{pk}/read",
    response={200: NotificationOut, **errors(401, 422, not_found=NO_NOTIFICATION)},
)
def read_one(request: HttpRequest, pk: DbId) -> selectors.NotificationRow:
    """Mark one of your notifications read (again: it keeps when it was first read)."""
    user = actor(request)
    notification: InAppNotification = services.mark_notification_read(user=user, pk=pk)
    return selectors.shown_notifications(user, [notification])[0]

"""The caller's own notification preferences."""

from collections import Counter

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict

from hypercare.api.common import actor, errors
from hypercare.errors import ValidationFailed
from hypercare.notifications import selectors, services
from hypercare.notifications.choices import NotificationEvent

router = Router(tags=["notifications"])
PATH = "/me/notification-preferences"


class PreferenceOut(Schema):
    event: str
    label: str
    email: bool


class PreferenceIn(Schema):
    model_config = ConfigDict(extra="forbid")
    event: NotificationEvent
    email: bool


class PreferencesIn(Schema):
    model_config = ConfigDict(extra="forbid")
    preferences: list[PreferenceIn]


@router.get(PATH, response={200: list[PreferenceOut], **errors(401)})
def notification_preferences(request: HttpRequest) -> list[selectors.Preference]:
    return selectors.notification_preferences(actor(request))


@router.put(PATH, response={200: list[PreferenceOut], **errors(401, 422)})
def set_notification_preferences(
    request: HttpRequest, payload: PreferencesIn
) -> list[selectors.Preference]:
    """Events left out keep their setting."""
    user = actor(request)
    events = [choice.event.value for choice in payload.preferences]
    twice = sorted(event for event, count in Counter(events).items() if count > 1)
    if twice:
        raise ValidationFailed({"preferences": f"lists {', '.join(twice)} more than once"})
    services.set_notification_preferences(
        user=user, email={choice.event.value: choice.email for choice in payload.preferences}
    )
    return selectors.notification_preferences(user)

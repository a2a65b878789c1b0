"""Read queries for notifications: a person's own choices."""

from dataclasses import dataclass

from hypercare.accounts.models import User
from hypercare.notifications.choices import REQUESTER_EVENTS, NotificationEvent
from hypercare.notifications.models import NotificationPreference


@dataclass(frozen=True)
class Preference:
    event: str
    label: str
    email: bool


def notification_preferences(user: User) -> list[Preference]:
    """Every event with whether ``user`` receives it by email; no stored choice means yes."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("event", "email"))
    return [
        Preference(event=event.value, label=event.label, email=chosen.get(event.value, True))
        for event in NotificationEvent
    ]


def receivable_preferences(user: User) -> list[Preference]:
    """The choices that matter to ``user``: an institution user's requests' news only."""
    preferences = notification_preferences(user)
    if user.institution_id is None:
        return preferences
    return [choice for choice in preferences if choice.event in REQUESTER_EVENTS]

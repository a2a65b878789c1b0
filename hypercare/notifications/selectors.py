"""Read queries for notifications: a person's own choices."""

from dataclasses import dataclass

from hypercare.accounts.models import User
from hypercare.notifications.choices import NotificationEvent
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

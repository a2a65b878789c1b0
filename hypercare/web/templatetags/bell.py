"""The notification bell in every signed-in page's header."""

from typing import Any

from django import template

from hypercare.accounts.models import User
from hypercare.notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("web/notifications/_bell.html")
def notification_bell(user: User) -> dict[str, Any]:
    return {"unread": unread_count(user)}

"""The mail quarantine in the workspace's navigation."""

from django import template

from hypercare import access
from hypercare.accounts.models import User
from hypercare.mail.selectors import quarantine_count

register = template.Library()


@register.simple_tag
def quarantined_for(user: User) -> int | None:
    """How many messages wait in the quarantine; None for whoever may not see it."""
    if not access.can_manage_quarantine(user):
        return None
    return quarantine_count(user)

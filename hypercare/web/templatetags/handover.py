"""How a handover record shows its people and its SLA targets."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from hypercare import access
from hypercare.accounts.models import User
from hypercare.lib.durations import format_duration

register = template.Library()


@register.simple_tag
def people(found: list[dict[str, str]]) -> SafeString:
    """Each person by name, linked to their address; "Nobody named" when the list is
    empty."""
    if not found:
        return format_html('<span class="muted">{}</span>', "Nobody named")
    return format_html_join(", ", "{}", ((_named(person),) for person in found))


def _named(person: dict[str, str]) -> SafeString:
    if not person["email"]:
        return format_html("{}", person["name"])
    return format_html('<a href="mailto:{}">{}</a>', person["email"], person["name"])


@register.filter
def minutes(value: int) -> str:
    return format_duration(value)


@register.filter
def reads_own_handover(user: User) -> bool:
    """Whether the portal shows the reader their institution's handover and exit."""
    return user.institution_id is not None and access.reads_handover_of(user, user.institution_id)

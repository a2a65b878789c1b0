"""Badges, field widgets and timeline sentences for the web desk's templates."""

from django import template
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString

from hypercare import access
from hypercare.accounts.models import User
from hypercare.orgs.choices import Tier
from hypercare.tickets import event_kinds
from hypercare.tickets.choices import Priority, Status
from hypercare.tickets.models import TicketEvent
from hypercare.web.guards import is_portal_user

register = template.Library()


@register.simple_tag
def status_badge(value: str) -> SafeString:
    return format_html('<span class="badge badge--status-{}">{}</span>', value, Status(value).label)


@register.simple_tag
def priority_badge(value: str) -> SafeString:
    return format_html(
        '<span class="badge badge--priority-{}"><span class="visually-hidden">Priority: '
        "</span>{}</span>",
        value,
        Priority(value).label,
    )


@register.filter
def reads_reports(user: User) -> bool:
    """Whether the navigation offers the dashboards."""
    return access.can_read_reports(user)


@register.filter
def reads_audit(user: User) -> bool:
    """Whether the navigation offers the configuration audit."""
    return access.can_read_audit(user)


@register.filter
def handles_personal_data(user: User) -> bool:
    """Whether the navigation offers the data-protection pages (export, anonymise,
    retention)."""
    return access.handles_personal_data(user)


@register.filter
def administers_people(user: User) -> bool:
    """Whether the portal's navigation offers the People pages."""
    return access.can_administer_people(user)


@register.filter
def tier_label(value: int) -> str:
    return str(Tier(value).label)


@register.filter
def describe_event(event: TicketEvent) -> str:
    return event_kinds.describe(event)


@register.filter
def widget(field: BoundField) -> SafeString:
    """The field's input, pointing screen readers at its help text and its errors."""
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
    attrs: dict[str, str | bool] = (
        {"aria-describedby": " ".join(described_by)} if described_by else {}
    )
    return field.as_widget(attrs=attrs)


@register.filter
def is_choice_list(field: BoundField) -> bool:
    return field.widget_type in ("radioselect", "checkboxselectmultiple")


@register.simple_tag
def side_of(user: User) -> str:
    """Which side of the desk the signed-in person works on: "desk", "portal" or ""."""
    if access.is_agent(user):
        return "desk"
    return "portal" if is_portal_user(user) else ""


@register.filter
def optional_mark(field: BoundField) -> SafeString:
    """What a label adds about need: nothing when the service requires the answer, the
    case when it wants it only then, else "(optional)"."""
    if field.field.required:
        return SafeString("")
    needed_when: dict[str, str] = getattr(field.form, "needed_when", {})
    case = needed_when.get(field.name)
    text = f"(needed {case})" if case else "(optional)"
    return format_html(' <span class="optional">{}</span>', text)

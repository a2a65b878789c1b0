"""Change requests in templates: the ticket page's panel, a step of a change's history,
its risk answers."""

from typing import Any

from django import template

from hypercare import access
from hypercare.accounts.models import User
from hypercare.changes.events import describe
from hypercare.changes.models import ChangeEvent, ChangeRequest
from hypercare.changes.selectors import ChangeFilters, change_list
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket
from hypercare.web.changes.forms import QUESTIONS

register = template.Library()


@register.inclusion_tag("web/changes/_ticket_panel.html")
def changes_panel(user: User, ticket: Ticket) -> dict[str, Any]:
    """A configuration ticket's change requests, and raising one from it."""
    changes = change_list(user, ChangeFilters(ticket=ticket))
    is_configuration = ticket.category == Category.CONFIGURATION
    return {
        "shown": is_configuration or changes.exists(),
        "ticket": ticket,
        "changes": changes,
        "can_raise": is_configuration and access.can_work_changes(user),
    }


@register.filter
def change_step(event: ChangeEvent) -> str:
    return describe(event)


@register.simple_tag
def risk_answers(change: ChangeRequest) -> str:
    """The questionnaire as answered, one "yes"/"no" per question."""
    return "; ".join(
        f"{question}: {'yes' if getattr(change, name) else 'no'}"
        for name, question in QUESTIONS.items()
    )

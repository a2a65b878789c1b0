"""Macros where agents work: the ticket page's "Apply macro" panel, and the macros the
queue's bulk bar offers."""

from typing import Any

from django import template
from django.db.models import QuerySet

from hypercare.accounts.models import User
from hypercare.macros.models import Macro
from hypercare.macros.selectors import visible_macros
from hypercare.tickets.models import Ticket

register = template.Library()


@register.inclusion_tag("web/macros/_panel.html")
def macro_panel(user: User, ticket: Ticket) -> dict[str, Any]:
    return {"ticket": ticket, "macros": list(visible_macros(user))}


@register.simple_tag
def macros_to_apply(user: User) -> QuerySet[Macro]:
    return visible_macros(user)

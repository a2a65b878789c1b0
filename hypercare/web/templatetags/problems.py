"""The ticket page's problems panel: the problems a ticket is linked to, linking it to
another or making one from it, and the known-error search agents use while triaging."""

from typing import Any

from django import template

from hypercare.accounts.models import User
from hypercare.problems.events import describe
from hypercare.problems.models import ProblemEvent
from hypercare.problems.selectors import can_read_problems, linkable_problems, ticket_problems
from hypercare.tickets.models import Ticket

register = template.Library()
# The link menu offers the latest open problems; older ones are found by searching.
LINKABLE_SHOWN = 50


@register.inclusion_tag("web/problems/_ticket_panel.html")
def problems_panel(user: User, ticket: Ticket) -> dict[str, Any]:
    if not can_read_problems(user):
        return {"shown": False}
    return {
        "shown": True,
        "ticket": ticket,
        "problems": ticket_problems(user, ticket),
        "linkable": linkable_problems(user, ticket)[:LINKABLE_SHOWN],
    }


@register.filter
def problem_step(event: ProblemEvent) -> str:
    """One step of a problem's history as a sentence."""
    return describe(event)

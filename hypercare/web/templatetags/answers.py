"""The ticket page's "answered by" panel: on the desk, the linked articles and the link
form; in the portal, the linked articles the requester may read (never internal ones)."""

from typing import Any

from django import template

from hypercare.accounts.models import User
from hypercare.knowledge.selectors import ticket_answers
from hypercare.tickets.models import Ticket
from hypercare.web.knowledge.answers import answers_context

register = template.Library()


@register.inclusion_tag("web/knowledge/_answers_panel.html", takes_context=True)
def answers_panel(context: template.Context, user: User, ticket: Ticket) -> dict[str, Any]:
    """A refused link keeps its form (and errors) when the whole page is shown again."""
    return answers_context(user, ticket, context.get("answer_form"))


@register.inclusion_tag("web/knowledge/_portal_answers.html")
def portal_answers(user: User, ticket: Ticket) -> dict[str, Any]:
    return {"answers": list(ticket_answers(user, ticket))}

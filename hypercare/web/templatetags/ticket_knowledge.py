"""The knowledge panel of the desk's ticket page: the search it starts with (the ticket's
title in its module), the article drafted from the ticket, and the button that drafts
one. A tag of its own, so the ticket page only names it."""

from typing import Any

from django import template

from hypercare import access
from hypercare.accounts.models import User
from hypercare.knowledge import selectors
from hypercare.knowledge.services import DRAFTABLE
from hypercare.tickets.models import Ticket
from hypercare.web.knowledge.ticket_articles import hits_context

register = template.Library()


@register.inclusion_tag("web/knowledge/_ticket_panel.html")
def ticket_knowledge(user: User, ticket: Ticket) -> dict[str, Any]:
    text, hits = selectors.ticket_page_search(user, ticket)
    written = list(selectors.articles_from_ticket(user, ticket))
    can_draft = not written and ticket.status in DRAFTABLE and access.can_write_articles(user)
    return {
        **hits_context(ticket, text, hits),
        "module": ticket.module,
        "written": written,
        "can_draft": can_draft,
    }

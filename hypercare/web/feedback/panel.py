"""The product-idea panel of an enhancement ticket's desk page: the idea it is recorded
as, or the form to record it."""

from dataclasses import dataclass

from hypercare import access
from hypercare.accounts.models import User
from hypercare.feedback.models import Idea
from hypercare.feedback.selectors import idea_list, idea_of_ticket
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket
from hypercare.web.feedback.forms import RecordIdeaForm


@dataclass(frozen=True)
class IdeaPanel:
    idea: Idea | None
    form: RecordIdeaForm | None


def idea_panel(user: User, ticket: Ticket) -> IdeaPanel | None:
    """None for other categories and for anyone but support staff."""
    if ticket.category != Category.ENHANCEMENT or not access.can_record_ideas(user):
        return None
    idea = idea_of_ticket(ticket)
    if idea is not None:
        return IdeaPanel(idea, None)
    ideas = idea_list(user).filter(merged_into__isnull=True)
    return IdeaPanel(None, RecordIdeaForm(ideas=ideas, auto_id="id_record-%s"))

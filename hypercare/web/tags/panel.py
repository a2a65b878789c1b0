"""The tags panel of the workspace's ticket page."""

from dataclasses import dataclass

from hypercare import access
from hypercare.accounts.models import User
from hypercare.tags.models import Tag
from hypercare.tags.selectors import ticket_tags, visible_tags
from hypercare.tickets.models import Ticket
from hypercare.web.tags.forms import TagForm


@dataclass
class TagsPanel:
    tags: list[Tag]
    # Every known name, offered while typing; empty for who may not tag.
    names: list[str]
    form: TagForm | None = None


def tags_panel(user: User, ticket: Ticket, *, form: TagForm | None = None) -> TagsPanel:
    panel = TagsPanel(ticket_tags(user, ticket), [])
    if access.can_tag_tickets(user):
        panel.names = list(visible_tags(user).values_list("name", flat=True))
        panel.form = form or TagForm(auto_id="id_tag-%s")
    return panel

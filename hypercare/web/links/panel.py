"""The links panel of a ticket page: its visible links, where a merged ticket's
conversation continues, and, for support staff, the forms to link and merge."""

from dataclasses import dataclass

from hypercare import access
from hypercare.accounts.models import User
from hypercare.links.selectors import LinkView, ticket_links
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.web.links.forms import LinkForm, MergeForm


@dataclass
class LinksPanel:
    links: list[LinkView]
    merged_into: Ticket | None
    link_form: LinkForm | None = None
    merge_form: MergeForm | None = None
    # The form shown open: the one posted with errors.
    open: str = ""


def links_panel(
    user: User,
    ticket: Ticket,
    *,
    link_form: LinkForm | None = None,
    merge_form: MergeForm | None = None,
) -> LinksPanel:
    """The panel as ``user`` sees it: one query for the links, none for the rest."""
    links = ticket_links(user, ticket)
    merged = [view.other for view in links if view.merged and view.link.source_id == ticket.pk]
    panel = LinksPanel(links, merged[0] if merged else None)
    if access.can_link_tickets(user):
        panel.link_form = link_form or LinkForm(auto_id="id_link-%s")
        if ticket.status != Status.CLOSED:
            panel.merge_form = merge_form or MergeForm(auto_id="id_merge-%s")
        panel.open = "link" if link_form else "merge" if merge_form else ""
    return panel

"""The watchers panel of a ticket page: the watchers the viewer may see, which of them
they may remove, and the form to add one."""

from dataclasses import dataclass

from hypercare import access
from hypercare.accounts.models import User
from hypercare.tickets.models import Participant, Ticket
from hypercare.tickets.watching import ticket_watchers
from hypercare.web.watchers.forms import WatcherForm

AUTO_ID = "id_watcher-%s"


@dataclass
class WatchersPanel:
    watchers: list[Participant]
    # The user ids of the watchers the viewer may remove.
    removable: set[int]
    form: WatcherForm
    # The form is shown open when it was posted with errors.
    open: bool
    you_watch: bool


def watchers_panel(user: User, ticket: Ticket, *, form: WatcherForm | None = None) -> WatchersPanel:
    """The panel as ``user`` sees it: one query for the watchers and their roles."""
    watchers = list(ticket_watchers(user, ticket))
    removable = {
        row.user_id for row in watchers if access.can_remove_watcher(user, ticket, row.user)
    }
    you_watch = any(row.user_id == user.pk for row in watchers)
    shown = form or WatcherForm(auto_id=AUTO_ID)
    return WatchersPanel(watchers, removable, shown, form is not None, you_watch)

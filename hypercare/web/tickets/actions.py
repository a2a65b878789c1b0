"""The ticket page's side panel: which action section opens by itself."""

from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket

# Until someone owns a ticket in these statuses, choosing its owner comes first.
OWNER_FIRST = frozenset({Status.NEW, Status.TRIAGED})
# A resolved ticket waits for the requester, a closed one cannot change: nothing is likely.
AT_REST = frozenset({Status.RESOLVED, Status.CLOSED})


def likely_action(ticket: Ticket) -> str:
    """The side panel's section most likely needed next, shown open when the page opens.

    A new or triaged ticket nobody owns needs an owner; any other ticket being worked on
    needs its status moved on as the work goes (In progress, Waiting on…, Resolved).
    """
    if ticket.status in AT_REST:
        return ""
    if ticket.assignee_id is None and ticket.status in OWNER_FIRST:
        return "assignee"
    return "status"

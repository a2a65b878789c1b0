"""What becomes of a ticket's open escalation when the ticket is merged into another."""

from hypercare import access
from hypercare.accounts.models import User
from hypercare.escalations import events
from hypercare.escalations.choices import OPEN_ESCALATION_STATUSES, EscalationStatus
from hypercare.escalations.models import Escalation
from hypercare.escalations.services.common import touch
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import require

MERGE_REFUSED = "Only support staff merge tickets."


def _open_of(ticket: Ticket) -> Escalation | None:
    return (
        Escalation.objects.select_for_update()
        .filter(ticket=ticket, status__in=OPEN_ESCALATION_STATUSES)
        .first()
    )


def carry_escalation_over(*, duplicate: Ticket, survivor: Ticket, actor: User) -> Escalation | None:
    """The duplicate's open escalation, as ``duplicate`` is merged into ``survivor``
    (a step of ``merge_tickets``, composed into its transaction before it locks the
    tickets: escalation rows first, as the escalation steps lock them).

    Management's attention follows the work: when the survivor has no open escalation,
    the duplicate's moves to it whole (manager, plans, cadence, level) and both timelines
    say so. When the survivor is escalated already, one ticket cannot have two open
    escalations, so the duplicate's is closed with a note naming the survivor's, which
    carries on. The answer is the duplicate's escalation, moved or closed; None when it
    had none open.
    """
    require(access.can_link_tickets(actor), MERGE_REFUSED)
    with use_case():
        escalation = _open_of(duplicate)
        if escalation is None:
            return None
        at = clock.now()
        if _open_of(survivor) is None:
            escalation.ticket = survivor
            escalation.save(update_fields=["ticket"])
            events.record_moved(escalation, actor, at, duplicate)
        else:
            escalation.status = EscalationStatus.MERGED
            escalation.next_update_due_at = None
            escalation.save(update_fields=["status", "next_update_due_at"])
            events.record_closed_by_merge(escalation, actor, at, survivor)
        touch(survivor, at)
    return escalation

"""Where a configuration ticket is: its change request raised, approved, tested, done."""

from hypercare.changes.choices import ChangeStatus, Decision
from hypercare.changes.models import ChangeRequest
from hypercare.changes.selectors import approvers
from hypercare.tickets.models import Ticket
from hypercare.tickets.workflows import Progress


def change_progress(ticket: Ticket) -> Progress:
    """Read by everyone who sees the ticket: it names the change's reference, the people
    who decide (their name and role) and the steps taken, never a comment."""
    change = (
        ChangeRequest.objects.filter(tickets=ticket)
        .exclude(status=ChangeStatus.CANCELLED)
        .select_related("implemented_by")
        .order_by("-created_at", "-pk")
        .first()
    )
    if change is None:
        return Progress(
            step="change_request", waiting_for="Waiting for support to raise a change request."
        )
    taken = [f"Change request {change.reference} raised."]
    if change.status == ChangeStatus.DRAFT:
        waiting = f"Waiting for support to submit {change.reference} for approval."
        return Progress(step="change_request", waiting_for=waiting, taken=tuple(taken))
    decided = change.approvals.select_related("module", "decided_by").order_by("pk")
    if change.status == ChangeStatus.AWAITING_APPROVAL:
        pending = [a for a in decided if a.decision == Decision.PENDING]
        names = sorted({person.display_name for a in pending for person in approvers(a)})
        waiting = f"Waiting for approval from {', '.join(names) or 'a support manager'}."
        return Progress(step="approval", waiting_for=waiting, taken=tuple(taken))
    if change.status == ChangeStatus.REJECTED:
        who = ", ".join(
            a.decided_by.display_name
            for a in decided
            if a.decided_by and a.decision == Decision.REJECTED
        )
        return Progress(step="approval", waiting_for=f"Rejected by {who}.", taken=tuple(taken))
    approvers_named = ", ".join(a.decided_by.display_name for a in decided if a.decided_by)
    taken.append(f"Approved by {approvers_named}.")
    if change.status == ChangeStatus.APPROVED:
        waiting = "Waiting for support to test the change and record the evidence."
        return Progress(step="test_evidence", waiting_for=waiting, taken=tuple(taken))
    taken.append("Test evidence recorded.")
    if change.status == ChangeStatus.TESTED:
        waiting = "Waiting for the change to be implemented in its window."
        return Progress(step="implementation", waiting_for=waiting, taken=tuple(taken))
    who = change.implemented_by.display_name if change.implemented_by else "support"
    if change.status == ChangeStatus.ROLLED_BACK:
        waiting = f"Rolled back by {who}; a new change request is needed."
        return Progress(step="implementation", waiting_for=waiting, taken=tuple(taken))
    taken.append(f"Implemented by {who}.")
    return Progress(step="", waiting_for="", taken=tuple(taken))

"""Approving or rejecting a change: each affected module's owner, and a support manager
for a high-risk change. Any rejection stops it."""

from datetime import datetime

from hypercare import access
from hypercare.accounts.models import User
from hypercare.changes import events, notices
from hypercare.changes.choices import (
    ChangeEventKind,
    ChangeStatus,
    ChangeTicketEventKind,
    Decision,
)
from hypercare.changes.models import ChangeApproval, ChangeRequest
from hypercare.changes.services.common import lock
from hypercare.errors import InvalidTransition, NotAllowed
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors

COMMENT_MAX = 5000
OWN_CHANGE = "You asked for this change; someone else approves it."
NOT_YOURS = "You are not one of this change's approvers."


def decide_change(
    *, change: ChangeRequest, actor: User, decision: str, comment: str = ""
) -> ChangeRequest:
    """Approve or reject, with a comment (needed to reject), every approval of the change
    still pending that ``actor`` may decide (a module owner of two affected modules
    decides both). The last approval approves the change; a rejection rejects it."""
    errors = FieldErrors()
    errors.choice("decision", decision, (Decision.APPROVED, Decision.REJECTED))
    comment = errors.text("comment", comment, COMMENT_MAX, required=decision == Decision.REJECTED)
    errors.check()
    with use_case():
        change = lock(change)
        if change.status != ChangeStatus.AWAITING_APPROVAL:
            raise InvalidTransition(
                f"The change is {change.get_status_display().lower()}, not awaiting approval."
            )
        if access.asked_for_change(actor, change):
            raise NotAllowed(OWN_CHANGE)
        mine = list(
            # Only its own rows: PostgreSQL locks no row on the nullable side of a join.
            ChangeApproval.objects.select_for_update(of=("self",))
            .filter(access.change_approval_scope(actor), change=change, decision=Decision.PENDING)
            .select_related("module")
        )
        if not mine:
            raise NotAllowed(NOT_YOURS)
        at = clock.now()
        for approval in mine:
            approval.decision = decision
            approval.decided_by = actor
            approval.decided_at = at
            approval.comment = comment
            approval.save()
        kind = (
            ChangeEventKind.APPROVED if decision == Decision.APPROVED else ChangeEventKind.REJECTED
        )
        roles = ", ".join(_as(approval) for approval in mine)
        events.record(change, kind, actor, at, value=roles, body=comment)
        _settle(change, actor, at)
    return change


def _as(approval: ChangeApproval) -> str:
    if approval.module is None:
        return approval.get_role_display().lower()
    return f"{approval.module.name} owner"


def _settle(change: ChangeRequest, actor: User, at: datetime) -> None:
    """A rejection rejects the change; no approval left pending approves it."""
    decisions = set(change.approvals.values_list("decision", flat=True))
    if Decision.REJECTED in decisions:
        change.status = ChangeStatus.REJECTED
    elif Decision.PENDING not in decisions:
        change.status = ChangeStatus.APPROVED
    else:
        return
    change.updated_at = at
    change.save(update_fields=["status", "updated_at"])
    events.on_tickets(change, ChangeTicketEventKind.CHANGE_DECIDED, actor, change.updated_at)
    notices.decided(change)

"""The demo's data corrections at each step: one waiting for its data owner's sign-off,
one signed off and waiting to be applied, one applied and verified by its requester.
Made through the correction services, by the agent working each ticket."""

from hypercare.accounts.models import User
from hypercare.corrections.choices import Decision, Outcome, Reason
from hypercare.corrections.content import CorrectionContent, FieldChange
from hypercare.corrections.selectors import data_owner_of
from hypercare.corrections.services import (
    decide_sign_off,
    record_applied,
    request_sign_off,
    verify_correction,
    write_correction_record,
)
from hypercare.tickets.choices import OPEN_STATUSES, Category
from hypercare.tickets.models import Ticket

CONTENTS = (
    CorrectionContent(
        records=("2024-0117", "2024-0118"),
        changes=(
            FieldChange("2024-0117", "date_of_birth", "2005-13-04", "2005-04-13"),
            FieldChange("2024-0118", "date_of_birth", "2006-21-09", "2006-09-21"),
        ),
        reason=Reason.WRONG_ENTRY,
        reversal_plan="Set both dates back from the audit log entry of the correction.",
    ),
    CorrectionContent(
        records=("FEE-88213",),
        changes=(FieldChange("FEE-88213", "amount_paid", "0.00", "1250.00"),),
        reason=Reason.FAILED_IMPORT,
        reversal_plan="Re-run last night's bank import for this receipt; it restores 0.00.",
    ),
    CorrectionContent(
        records=("STU-40112", "STU-40871"),
        changes=(
            FieldChange("STU-40871", "merged_into", "", "STU-40112"),
            FieldChange("STU-40871", "status", "active", "merged"),
        ),
        reason=Reason.DUPLICATES,
        reversal_plan="Unmerge STU-40871 from STU-40112 with the ERP's unmerge tool.",
    ),
)


def correct_some_data(*, actor: User) -> None:
    """Three open data corrections whose data owner is not their requester, taken each
    one step further than the last."""
    candidates = Ticket.objects.filter(
        category=Category.DATA_CORRECTION, status__in=OPEN_STATUSES
    ).order_by("pk")
    tickets = [ticket for ticket in candidates if _owner(ticket) is not None][: len(CONTENTS)]
    for steps, (ticket, content) in enumerate(zip(tickets, CONTENTS, strict=False), start=1):
        write_correction_record(ticket=ticket, actor=actor, content=content)
        request_sign_off(ticket=ticket, actor=actor)
        owner = _owner(ticket)
        if steps > 1 and owner is not None:
            decide_sign_off(
                ticket=ticket,
                actor=owner,
                decision=Decision.SIGNED_OFF,
                comment="Checked against the source documents.",
            )
        if steps == len(CONTENTS):
            record_applied(ticket=ticket, actor=actor)
            verify_correction(ticket=ticket, actor=ticket.requester, outcome=Outcome.RIGHT)


def _owner(ticket: Ticket) -> User | None:
    owner = data_owner_of(ticket)
    return owner if owner is not None and owner.pk != ticket.requester_id else None

"""Test evidence for an approved change, then how its implementation went."""

from collections.abc import Sequence
from functools import partial
from typing import IO

from django.conf import settings

from hypercare import access
from hypercare.accounts.models import User
from hypercare.changes import events
from hypercare.changes.choices import (
    ChangeEventKind,
    ChangeStatus,
    ChangeTicketEventKind,
    Outcome,
)
from hypercare.changes.models import ChangeEvidence, ChangeRequest, EvidenceFile
from hypercare.changes.services.common import WORK_REFUSED, lock
from hypercare.errors import InvalidTransition, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.transactions import on_rollback, use_case
from hypercare.lib.validation import FieldErrors
from hypercare.tickets.services.attachments import StoredFile, attachment_path, store_file
from hypercare.tickets.services.common import require

TEXT_MAX = 20_000
IMPLEMENTATION_REFUSED = "Support staff record the implementation, never its requester."
NO_EVIDENCE = "Record the test evidence before the implementation."


def record_evidence(
    *,
    change: ChangeRequest,
    actor: User,
    note: str,
    files: Sequence[tuple[str, IO[bytes]]] = (),
) -> ChangeEvidence:
    """What testing the approved change showed: a note and its files (each checked like a
    ticket's attachment). The change is then tested, ready to be implemented; its linked
    tickets' timelines say so, without the note.

    The files reach disk before the transaction; if it fails they are removed, so no
    row points at a missing file and no file stays without its row.
    """
    require(access.can_work_changes(actor), WORK_REFUSED)
    errors = FieldErrors()
    note = errors.text("note", note, TEXT_MAX)
    errors.check()
    stored: list[StoredFile] = []
    try:
        for name, content in files:
            stored.append(store_file(name, content))
        with use_case():
            evidence = _record(change, actor, note, stored)
    except BaseException:
        for item in stored:
            attachment_path(item.storage_name).unlink(missing_ok=True)
        raise
    for item in stored:
        on_rollback(partial(attachment_path(item.storage_name).unlink, missing_ok=True))
    return evidence


def _record(
    change: ChangeRequest, actor: User, note: str, stored: list[StoredFile]
) -> ChangeEvidence:
    change = lock(change)
    if change.status not in (ChangeStatus.APPROVED, ChangeStatus.TESTED):
        raise InvalidTransition("Test evidence is recorded once the change is approved.")
    limit = settings.HYPERCARE_MAX_TICKET_ATTACHMENT_BYTES
    used = sum(EvidenceFile.objects.filter(evidence__change=change).values_list("size", flat=True))
    if used + sum(item.size for item in stored) > limit:
        raise ValidationFailed(
            {"files": f"would take this change past its {limit // 2**20} MB evidence limit"}
        )
    at = clock.now()
    evidence = ChangeEvidence.objects.create(
        change=change, note=note, recorded_by=actor, recorded_at=at
    )
    EvidenceFile.objects.bulk_create(
        EvidenceFile(
            evidence=evidence,
            original_name=item.name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            storage_name=item.storage_name,
        )
        for item in stored
    )
    change.status = ChangeStatus.TESTED
    change.updated_at = at
    change.save(update_fields=["status", "updated_at"])
    count = len(stored)
    events.record(
        change,
        ChangeEventKind.EVIDENCE,
        actor,
        at,
        value=f"{count} file{'' if count == 1 else 's'}",
        body=note,
    )
    # The note stays with the change: the tickets read only that it was tested.
    events.on_tickets(change, ChangeTicketEventKind.CHANGE_TESTED, actor, at)
    return evidence


def record_implementation(
    *, change: ChangeRequest, actor: User, outcome: str, note: str = ""
) -> ChangeRequest:
    """Who implemented the tested change and when, and whether it succeeded or was
    rolled back (with a note saying why). Never before its test evidence (409)."""
    require(access.can_record_implementation(actor, change), IMPLEMENTATION_REFUSED)
    errors = FieldErrors()
    errors.choice("outcome", outcome, Outcome.values)
    note = errors.text("note", note, TEXT_MAX, required=outcome == Outcome.ROLLED_BACK)
    errors.check()
    with use_case():
        change = lock(change)
        if change.status == ChangeStatus.APPROVED:
            raise InvalidTransition(NO_EVIDENCE)
        if change.status != ChangeStatus.TESTED:
            raise InvalidTransition(
                f"The change is {change.get_status_display().lower()}; only a tested change "
                "is implemented."
            )
        at = clock.now()
        succeeded = outcome == Outcome.SUCCEEDED
        change.status = ChangeStatus.IMPLEMENTED if succeeded else ChangeStatus.ROLLED_BACK
        change.implemented_by = actor
        change.implemented_at = at
        change.outcome = outcome
        change.outcome_note = note
        change.updated_at = at
        change.save()
        kind = ChangeEventKind.IMPLEMENTED if succeeded else ChangeEventKind.ROLLED_BACK
        events.record(change, kind, actor, at, body=note)
        events.on_tickets(change, ChangeTicketEventKind.CHANGE_DONE, actor, at)
    return change

"""What a correction record says, checked, and its content hash.

The hash is the SHA-256 of the content as canonical JSON (sorted keys, no spaces), the
CSV extract's own SHA-256 included, so a sign-off names exactly what was read: changing
one value, or swapping the extract for another file, gives another hash.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from hypercare.corrections.choices import Reason
from hypercare.lib.validation import FieldErrors
from hypercare.tickets.models import Attachment, Ticket

RECORD_MAX = 100
RECORDS_MAX = 1000
FIELD_MAX = 100
VALUE_MAX = 500
CHANGES_MAX = 500
PLAN_MAX = 4000
CSV = "text/csv"


@dataclass(frozen=True)
class FieldChange:
    """One field of one record: its value now, and what it should be."""

    record: str
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class CorrectionContent:
    """A correction record as written: ``records`` or a CSV ``extract`` (or both) name
    the records affected; ``changes`` say what changes in them."""

    records: tuple[str, ...]
    changes: tuple[FieldChange, ...]
    reason: str
    reversal_plan: str
    extract: Attachment | None = None


def checked(content: CorrectionContent, ticket: Ticket) -> CorrectionContent:
    """``content`` stripped and checked; every field's problem named at once."""
    errors = FieldErrors()
    records = tuple(
        dict.fromkeys(
            errors.line(f"records.{n}", value, RECORD_MAX)
            for n, value in enumerate(content.records)
        )
    )
    if len(records) > RECORDS_MAX:
        errors.add("records", f"must name at most {RECORDS_MAX} records; attach a CSV extract")
    if not records and content.extract is None:
        errors.add("records", "name the records affected, or attach a CSV extract of them")
    changes = tuple(_change(errors, n, change) for n, change in enumerate(content.changes))
    if not changes:
        errors.add("changes", "give at least one field's value before and after")
    elif len(changes) > CHANGES_MAX:
        errors.add("changes", f"must be at most {CHANGES_MAX} rows")
    errors.choice("reason", content.reason, Reason.values)
    plan = errors.text("reversal_plan", content.reversal_plan, PLAN_MAX)
    if content.extract is not None:
        _check_extract(errors, content.extract, ticket)
    errors.check()
    return CorrectionContent(records, changes, content.reason, plan, content.extract)


def _change(errors: FieldErrors, n: int, change: FieldChange) -> FieldChange:
    prefix = f"changes.{n}"
    return FieldChange(
        record=errors.line(f"{prefix}.record", change.record, RECORD_MAX),
        field=errors.line(f"{prefix}.field", change.field, FIELD_MAX),
        before=errors.line(f"{prefix}.before", change.before, VALUE_MAX, required=False),
        after=errors.line(f"{prefix}.after", change.after, VALUE_MAX, required=False),
    )


def _check_extract(errors: FieldErrors, extract: Attachment, ticket: Ticket) -> None:
    """The extract is one of the ticket's files everyone on it may read (the data owner
    signs off what it lists), and a CSV."""
    if extract.ticket_id != ticket.pk or extract.is_internal:
        errors.add("extract_id", "no such public file on this ticket")
    elif extract.content_type != CSV:
        errors.add("extract_id", "must be a CSV file")


def as_json(content: CorrectionContent) -> dict[str, Any]:
    """The content as stored in each version and shown in a sign-off's snapshot."""
    extract = content.extract
    return {
        "records": list(content.records),
        "extract": (
            {"id": extract.pk, "name": extract.original_name, "sha256": extract.sha256}
            if extract is not None
            else None
        ),
        "changes": [
            {"record": c.record, "field": c.field, "before": c.before, "after": c.after}
            for c in content.changes
        ],
        "reason": content.reason,
        "reversal_plan": content.reversal_plan,
    }


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()

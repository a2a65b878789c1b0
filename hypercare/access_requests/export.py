"""The access-change ledger as a file: CSV and XLSX, the same columns as the page.

A spreadsheet reads a CSV cell that starts with = + - @ (or a tab or carriage return) as
a formula, so such a cell is written with a leading apostrophe: a person's name or a role
typed by anyone cannot run in the reader's spreadsheet. openpyxl writes a string that
starts with "=" as a formula, so XLSX cells are neutralised the same way.
"""

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook

from hypercare.access_requests.models import LedgerEntry
from hypercare.lib.times import Moment

COLUMNS = (
    "Institution",
    "Person",
    "ERP login",
    "Action",
    "Role",
    "Previous role",
    "Asked by",
    "Recorded by",
    "Approved by",
    "Done by",
    "Done at",
    "Effective on",
    "Temporary access ends",
    "Request",
)
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _row(entry: LedgerEntry) -> list[str]:
    return [
        entry.institution.name,
        entry.person_name,
        entry.erp_login,
        entry.get_action_display(),
        entry.role,
        entry.old_role,
        entry.requested_by.display_name if entry.requested_by else "Hypercare",
        entry.recorded_by.display_name if entry.recorded_by else "Hypercare",
        entry.approved_by.display_name,
        entry.done_by.display_name,
        str(Moment(entry.done_at)),
        entry.effective_on.isoformat(),
        entry.ends_on.isoformat() if entry.ends_on else "",
        entry.access_request.reference,
    ]


def neutralised(cell: str) -> str:
    """The cell as text a spreadsheet will not run."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def ledger_csv(entries: Iterable[LedgerEntry]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for entry in entries:
        writer.writerow([neutralised(cell) for cell in _row(entry)])
    # A byte-order mark, so spreadsheets read the names' accents as UTF-8.
    return ("\ufeff" + out.getvalue()).encode()


def ledger_xlsx(entries: Iterable[LedgerEntry]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Access ledger")
    sheet.append(COLUMNS)
    for entry in entries:
        sheet.append([neutralised(cell) for cell in _row(entry)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

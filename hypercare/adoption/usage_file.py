"""The usage upload's CSV file, read into rows: a header line ``module,day,active_users``
then one line a module a day. Pure functions; what is wrong is named by line and field."""

import csv
import io
from datetime import date

from hypercare.adoption.services import ROWS_MAX, UsageRow
from hypercare.errors import ValidationFailed
from hypercare.lib.validation import FieldErrors

COLUMNS = ("module", "day", "active_users")
# The file's first data line: line 1 is the header.
FIRST_LINE = 2


def read_usage_file(content: bytes) -> list[UsageRow]:
    """The rows of an uploaded file; refused whole, naming each bad line's field."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed({"file": "must be a UTF-8 CSV file"}) from None
    lines = list(csv.reader(io.StringIO(text)))
    if not lines or tuple(cell.strip().lower() for cell in lines[0]) != COLUMNS:
        raise ValidationFailed({"file": f"must start with the header {','.join(COLUMNS)}"})
    if len(lines) - 1 > ROWS_MAX:
        raise ValidationFailed({"file": f"must hold at most {ROWS_MAX} rows"})
    errors = FieldErrors()
    rows = [
        row
        for number, cells in enumerate(lines[1:], start=FIRST_LINE)
        if (row := _row(errors, number, cells)) is not None
    ]
    errors.check()
    return rows


def _row(errors: FieldErrors, number: int, cells: list[str]) -> UsageRow | None:
    if len(cells) != len(COLUMNS):
        errors.add(str(number), f"must have {len(COLUMNS)} cells, has {len(cells)}")
        return None
    module, day, active_users = (cell.strip() for cell in cells)
    parsed_day = _day(day)
    if parsed_day is None:
        errors.add(f"{number}.day", "is not a date (YYYY-MM-DD)")
    if not active_users.isdigit():
        errors.add(f"{number}.active_users", "is not a whole number")
    if parsed_day is None or not active_users.isdigit():
        return None
    return UsageRow(module=module.lower(), day=parsed_day, active_users=int(active_users))


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None

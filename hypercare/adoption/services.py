"""Recording the ERP's daily usage figures of an institution's modules."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from hypercare import access
from hypercare.accounts.models import User
from hypercare.adoption.models import ModuleUsage
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.models import Institution, Module
from hypercare.orgs.selectors import desk_day
from hypercare.tickets.services.common import require

RECORD_REFUSED = "Only support staff record module usage."
ROWS_MAX = 5000
ACTIVE_USERS_MAX = 1_000_000


@dataclass(frozen=True)
class UsageRow:
    """One day's figure of one module, by its code."""

    module: str
    day: date
    active_users: int


@dataclass(frozen=True)
class UsageRecorded:
    created: int
    updated: int


def record_module_usage(
    *, institution: Institution, rows: Sequence[UsageRow], actor: User, first_row: int = 0
) -> UsageRecorded:
    """Record the active ERP users of ``institution``'s modules, one figure a module a
    day; a day sent again replaces its figure, so a feed may resend a period safely.

    Every row is checked before any is written, and a refused row is named by its
    position (counted from ``first_row``: the upload page counts the file's lines) and
    field: a module the institution does not run, a day after today, a module and day
    sent twice, a count out of range.
    """
    require(access.can_record_module_usage(actor), RECORD_REFUSED)
    modules = dict(Module.objects.filter(institution=institution).values_list("code", "pk"))
    errors = FieldErrors()
    if not rows:
        errors.add("rows", "must hold at least one row")
    elif len(rows) > ROWS_MAX:
        errors.add("rows", f"must hold at most {ROWS_MAX} rows")
    else:
        _check_rows(errors, rows, modules, desk_day(clock.now()), first_row)
    errors.check()
    wanted = {(modules[row.module], row.day): row.active_users for row in rows}
    return _upsert(wanted, actor)


def _check_rows(
    errors: FieldErrors,
    rows: Sequence[UsageRow],
    modules: dict[str, int],
    today: date,
    first_row: int,
) -> None:
    seen: set[tuple[str, date]] = set()
    for number, row in enumerate(rows, start=first_row):
        if row.module not in modules:
            errors.add(f"{number}.module", "is not a module the institution runs")
        if row.day > today:
            errors.add(f"{number}.day", "must not be after today")
        if (row.module, row.day) in seen:
            errors.add(f"{number}.day", "is given twice for this module")
        seen.add((row.module, row.day))
        if not 0 <= row.active_users <= ACTIVE_USERS_MAX:
            errors.add(f"{number}.active_users", f"must be from 0 to {ACTIVE_USERS_MAX}")


def _upsert(wanted: dict[tuple[int, date], int], actor: User) -> UsageRecorded:
    at = clock.now()
    with use_case():
        existing = set(
            ModuleUsage.objects.filter(
                module_id__in={module for module, _ in wanted},
                day__in={day for _, day in wanted},
            ).values_list("module_id", "day")
        )
        ModuleUsage.objects.bulk_create(
            [
                ModuleUsage(
                    module_id=module,
                    day=day,
                    active_users=count,
                    recorded_by=actor,
                    recorded_at=at,
                )
                for (module, day), count in wanted.items()
            ],
            update_conflicts=True,
            unique_fields=["module", "day"],
            update_fields=["active_users", "recorded_by", "recorded_at"],
            batch_size=500,
        )
    updated = len(existing & set(wanted))
    return UsageRecorded(created=len(wanted) - updated, updated=updated)

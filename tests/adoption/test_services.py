from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.adoption.models import ModuleUsage
from hypercare.adoption.services import UsageRow, record_module_usage
from hypercare.adoption.usage_file import read_usage_file
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.orgs.models import Institution
from tests import factories

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _figures(institution: Institution) -> dict[tuple[str, date], int]:
    rows = ModuleUsage.objects.filter(module__institution=institution)
    return {(row.module.code, row.day): row.active_users for row in rows}


def test_usage_is_recorded_once_a_module_a_day_and_a_repeat_replaces_it(
    institution: Institution, agent: User
) -> None:
    first = record_module_usage(
        institution=institution,
        rows=[
            UsageRow("finance", date(2026, 11, 14), 12),
            UsageRow("fees", date(2026, 11, 14), 4),
        ],
        actor=agent,
    )
    again = record_module_usage(
        institution=institution,
        rows=[
            UsageRow("finance", date(2026, 11, 14), 15),
            UsageRow("finance", date(2026, 11, 15), 9),
        ],
        actor=agent,
    )
    assert (first.created, first.updated) == (2, 0)
    assert (again.created, again.updated) == (1, 1)
    assert _figures(institution) == {
        ("finance", date(2026, 11, 14)): 15,
        ("fees", date(2026, 11, 14)): 4,
        ("finance", date(2026, 11, 15)): 9,
    }


def test_every_bad_row_is_named_by_position_and_field_and_nothing_is_written(
    institution: Institution, agent: User
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        record_module_usage(
            institution=institution,
            rows=[
                UsageRow("finance", date(2026, 11, 14), 12),
                UsageRow("canteen", date(2026, 11, 17), -1),
                UsageRow("finance", date(2026, 11, 14), 3),
            ],
            actor=agent,
        )
    assert refused.value.errors == {
        "1.module": "is not a module the institution runs",
        "1.day": "must not be after today",
        "1.active_users": "must be from 0 to 1000000",
        "2.day": "is given twice for this module",
    }
    assert not ModuleUsage.objects.exists()


def test_an_empty_batch_is_refused(institution: Institution, agent: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        record_module_usage(institution=institution, rows=[], actor=agent)
    assert refused.value.errors == {"rows": "must hold at least one row"}


@pytest.mark.parametrize("role", [Role.INSTITUTION_ADMIN, Role.REQUESTER])
def test_only_support_staff_record_usage(institution: Institution, role: str) -> None:
    person = factories.user(role, institution=institution)
    with pytest.raises(NotAllowed):
        record_module_usage(
            institution=institution,
            rows=[UsageRow("finance", date(2026, 11, 14), 1)],
            actor=person,
        )


def test_a_usage_file_is_read_into_rows() -> None:
    content = b"\xef\xbb\xbfmodule,day,active_users\nFinance,2026-11-14,12\nfees, 2026-11-15 ,0\n"
    assert read_usage_file(content) == [
        UsageRow("finance", date(2026, 11, 14), 12),
        UsageRow("fees", date(2026, 11, 15), 0),
    ]


def test_a_usage_files_bad_lines_are_named_by_line_and_field() -> None:
    content = b"module,day,active_users\nfinance,14/11/2026,many\nfees,2026-11-15\n"
    with pytest.raises(ValidationFailed) as refused:
        read_usage_file(content)
    assert refused.value.errors == {
        "2.day": "is not a date (YYYY-MM-DD)",
        "2.active_users": "is not a whole number",
        "3": "must have 3 cells, has 2",
    }


@pytest.mark.parametrize(
    "content",
    [b"", b"day,module,active_users\n", b"\xff\xfe not text"],
    ids=["empty", "wrong header", "not utf-8"],
)
def test_a_file_without_the_header_is_refused_on_the_file(content: bytes) -> None:
    with pytest.raises(ValidationFailed) as refused:
        read_usage_file(content)
    assert set(refused.value.errors) == {"file"}

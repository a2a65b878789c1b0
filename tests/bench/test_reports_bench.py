"""The dashboards benchmark's review pack case at a tiny size: the pack is built as the
desk builds it, timed in its two halves, and leaves no pack behind.

No timing is asserted here; ``python -m bench.reports --only pack`` is where figures are read.
"""

from datetime import UTC, datetime

import pytest
import time_machine

from bench.reports import PACK_CASE, markdown_table, parse_args, time_pack
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.reports.models import ReviewPack
from tests import factories

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(NOW, tick=False)


def test_the_pack_case_builds_ready_packs_times_both_halves_and_deletes_them(
    requester: User,
) -> None:
    factories.ticket(requester, title="Invoice approval stuck")
    manager = factories.agent(Role.SUPPORT_MANAGER, username="mona", first_name="Mona")

    figures = time_pack(manager, 2)

    assert (figures["samples"], figures["errors"]) == (2, 0)
    assert (figures["figures"]["samples"], figures["figures"]["errors"]) == (2, 0)
    assert (figures["files"]["samples"], figures["files"]["errors"]) == (2, 0)
    assert not ReviewPack.objects.exists()
    table = markdown_table({"tickets": 1, "events": 1, "cases": {}, "pack": figures})
    assert f"| support manager: {PACK_CASE} | {figures['p50_ms']} |" in table
    assert "< 10000 ms" in table


def test_the_pack_case_runs_alone_with_its_own_samples() -> None:
    args = parse_args(["--only", "pack", "--pack-samples", "5"])

    assert (args.only, args.pack_samples) == ("pack", 5)

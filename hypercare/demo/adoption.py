"""The demo's ERP usage and exit gates: every module of each institution in daily use over
the last two weeks, but for Kingsbridge's Payroll, which its staff still run in the old
system (the adoption blocker the reports show); and Kingsbridge held to exit gates of its
own, a larger backlog allowed while payroll settles."""

import random
from datetime import datetime, timedelta

from hypercare.accounts.models import User
from hypercare.adoption.services import UsageRow, record_module_usage
from hypercare.demo.history import Site
from hypercare.handover.gate_settings import gate_set, set_exit_gates
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.selectors import desk_day

MANAGER = "meera.nair"
DAYS = 14
SEED = 15
BLOCKER = ("kingsbridge", ModuleCode.PAYROLL)
OWN_GATES = {"kingsbridge": {"backlog": 20, "sla_attainment": 90}}


def feed_module_usage(*, sites: list[Site], at: datetime) -> None:
    """Two weeks of daily active users per module, fewer at weekends."""
    manager = User.objects.get(username=MANAGER)
    rng = random.Random(SEED)  # noqa: S311 (figures, not secrets)
    today = desk_day(at)
    for site in sites:
        rows = []
        for code in ModuleCode:
            for back in range(DAYS):
                day = today - timedelta(days=back)
                if (site.spec.slug, code) == BLOCKER:
                    users = rng.randint(0, 1)
                elif day.weekday() >= 5:
                    users = rng.randint(3, 8)
                else:
                    users = rng.randint(8, 40)
                rows.append(UsageRow(code, day, users))
        record_module_usage(institution=site.institution, rows=rows, actor=manager)


def set_own_exit_gates(*, sites: list[Site]) -> None:
    manager = User.objects.get(username=MANAGER)
    for site in sites:
        changes = OWN_GATES.get(site.spec.slug)
        if changes is not None:
            gates = {**gate_set(site.institution).defaults, **changes}
            set_exit_gates(institution=site.institution, gates=gates, actor=manager)

"""The sections of a review pack, read through the dashboards' own selectors.

Each kind is a fixed, declared list of sections; a section is a title, column names and
rows (the raw figures, as the spreadsheet holds them) and the chart that draws them. The
figures come from ``reports.selectors.dashboard``, ``reports.recurring.recurring`` and the
handover's reads over the pack's period, read as the person the pack is built for, so a
pack shows nothing its reader's dashboards would not.
"""

from collections.abc import Callable
from typing import Any

from django.utils import formats, timezone

from hypercare.accounts.models import User
from hypercare.adoption.selectors import Adoption, adoption
from hypercare.handover.choices import GateKind
from hypercare.handover.selectors import current_handover, live_scorecard
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.reports.charts import duration
from hypercare.reports.choices import PACK_PERIODS, PackKind
from hypercare.reports.recurring import Recurring, recurring
from hypercare.reports.selectors import (
    BREAKDOWNS,
    CLOCKS,
    PERIODS,
    Dashboard,
    ReportFilters,
    dashboard,
)
from hypercare.reports.time_spent import TimeSpent, time_entries, time_spent
from hypercare.tickets.choices import Category, Priority

Section = dict[str, Any]
# Told of each step: what is being done, and the percent done before it.
Progress = Callable[[str, int], None]

DASHBOARD = ("flow", "backlog", "times", "attainment")
LOOP = ("recurring", "training_gaps", "escalations", "access_changes", "satisfaction")
BREAKDOWN_SECTIONS = tuple(f"by_{name}" for name in BREAKDOWNS)
# The time spent: its sums drawn as a table, and every entry, in the spreadsheet only.
TIME = ("time_spent", "time_entries")
# The sections of each kind, in order; the handover's two only for one institution.
SECTIONS: dict[str, tuple[str, ...]] = {
    PackKind.WEEKLY: (*DASHBOARD, "escalations", "access_changes", *TIME),
    PackKind.MONTHLY: (
        *DASHBOARD,
        *BREAKDOWN_SECTIONS,
        *LOOP,
        "deflections",
        *TIME,
        "handover",
    ),
    PackKind.QUARTERLY: (
        *DASHBOARD,
        *BREAKDOWN_SECTIONS,
        *LOOP,
        "adoption_blockers",
        "unused_modules",
        "deflections",
        *TIME,
        "handover",
        "scorecard",
    ),
}
INSTITUTION_ONLY = frozenset({"handover", "scorecard"})
# Part of the build the figures take; the files take the rest.
FIGURES_SHARE = 60


def section_keys(kind: str, institution: Institution | None) -> list[str]:
    return [key for key in SECTIONS[kind] if institution is not None or key not in INSTITUTION_ONLY]


def pack_content(
    *, user: User, kind: str, institution: Institution | None, progress: Progress
) -> dict[str, Any]:
    """Every section of the kind, as ``user`` may read the figures, in the active zone."""
    keys = section_keys(kind, institution)
    filters = ReportFilters(
        period=PACK_PERIODS[PackKind(kind)],
        institution=institution.pk if institution else None,
    )
    progress("Counting the dashboard's figures", 5)
    board = dashboard(user, filters)
    found: Recurring | None = None
    if set(keys) & {*LOOP, "deflections"}:
        progress("Reading recurring issues and the improvement loop", 25)
        found = recurring(user, filters)
    adopted: Adoption | None = None
    if set(keys) & set(ADOPTION_SECTIONS):
        progress("Reading adoption", 35)
        adopted = adoption(user, filters)
    progress("Adding up the time spent", 40)
    spent = time_spent(user, filters)
    progress("Gathering the sections", 45)
    sections = [
        _time_section(key, spent, user)
        if key in TIME
        else _section(key, board, found, adopted, institution)
        for key in keys
    ]
    return {
        "period": PERIODS[filters.period][0],
        "start": board.window.start.isoformat(),
        "end": board.window.end.isoformat(),
        "unit": board.window.unit,
        "sections": sections,
    }


def _section(
    key: str,
    board: Dashboard,
    found: Recurring | None,
    adopted: Adoption | None,
    institution: Institution | None,
) -> Section:
    if key.startswith("by_"):
        return _breakdown(board, key.removeprefix("by_"))
    if key in DASHBOARD:
        return DASHBOARD_SECTIONS[key](board)
    if institution is not None and key in INSTITUTION_ONLY:
        return INSTITUTION_SECTIONS[key](institution)
    if key in ADOPTION_SECTIONS:
        assert adopted is not None  # noqa: S101 (read above whenever an adoption section is wanted)
        return ADOPTION_SECTIONS[key](adopted)
    assert found is not None  # noqa: S101 (read above whenever a loop section is wanted)
    return LOOP_SECTIONS[key](found)


def _bars(rows: list[list[Any]], *, series: str = "total", top: float | None = None) -> Section:
    """A chart of horizontal bars: [label, value, text] each."""
    return {"kind": "bars", "series": series, "top": top, "bars": rows}


def _flow(board: Dashboard) -> Section:
    daily = board.window.unit == "day"
    rows = [
        [
            formats.date_format(bucket.start, "j M Y" if daily else "\\w\\k W Y"),
            bucket.opened.value,
            bucket.resolved.value,
        ]
        for bucket in board.flow
    ]
    return {
        "key": "flow",
        "title": "Opened and resolved",
        "columns": [f"{board.window.unit.capitalize()} from", "Opened", "Resolved"],
        "rows": rows,
        "chart": {"kind": "columns", "groups": rows},
    }


def _backlog(board: Dashboard) -> Section:
    rows = [[figure.label, figure.value] for figure in board.backlog]
    return {
        "key": "backlog",
        "title": "Backlog by age",
        "columns": ["Age", "Open tickets"],
        "rows": rows,
        "chart": _bars([[label, value, str(value)] for label, value in rows], series="backlog"),
    }


def _times(board: Dashboard) -> Section:
    rows = [[row.label, row.count, row.median, row.p90] for row in board.times]
    bars = [
        [f"{row.label}, {name}", value or 0, duration(value)]
        for row in board.times
        for name, value in (("median", row.median), ("p90", row.p90))
    ]
    return {
        "key": "times",
        "title": "Response and resolution times",
        "columns": ["Time to", "Tickets", "Median (minutes)", "90th percentile (minutes)"],
        "rows": rows,
        "chart": _bars(bars, series="time"),
    }


def _attainment(board: Dashboard) -> Section:
    rows = [
        [
            str(Priority(row.priority).label),
            CLOCKS[row.clock],
            row.met.value,
            row.breached.value,
            row.percent,
        ]
        for row in board.attainment
    ]
    bars = [
        [
            f"{Priority(row.priority).label}, {CLOCKS[row.clock].lower()}",
            row.percent or 0,
            "no clock judged" if row.percent is None else f"{row.percent:g} %",
        ]
        for row in board.attainment
    ]
    return {
        "key": "attainment",
        "title": "SLA attainment per priority",
        "columns": ["Priority", "Clock", "Met", "Breached", "Attainment (%)"],
        "rows": rows,
        "chart": _bars(bars, series="sla", top=100),
    }


def _breakdown(board: Dashboard, name: str) -> Section:
    label = BREAKDOWNS[name]
    rows = [[figure.label, figure.value] for figure in board.breakdowns[name]]
    return {
        "key": f"by_{name}",
        "title": f"Tickets opened by {label.lower()}",
        "columns": [label, "Opened"],
        "rows": rows,
        "chart": _bars([[text, value, str(value)] for text, value in rows]),
    }


def _recurring(found: Recurring) -> Section:
    rows = [
        [
            group.label,
            group.count,
            str(ModuleCode(group.module).label),
            str(Category(group.category).label),
            ", ".join(group.institution_names),
            ", ".join(group.statuses),
        ]
        for group in found.groups
    ]
    return {
        "key": "recurring",
        "title": "Recurring issues",
        "columns": ["Issue", "Tickets", "Module", "Category", "Institutions", "Status"],
        "rows": rows,
        "chart": _bars([[row[0], row[1], str(row[1])] for row in rows]),
    }


def _training_gaps(found: Recurring) -> Section:
    return {
        "key": "training_gaps",
        "title": "Training gaps",
        "columns": ["Module", "ERP role", "Gaps flagged"],
        "rows": [[row.module, row.erp_role, row.count] for row in found.training_gaps],
        "chart": None,
    }


def _adoption_blockers(adopted: Adoption) -> Section:
    return {
        "key": "adoption_blockers",
        "title": "Adoption blockers",
        "columns": ["Institution", "Module", "“How do I” questions"],
        "rows": [[row.institution, row.module, row.questions.value] for row in adopted.questions],
        "chart": None,
    }


def _unused_modules(adopted: Adoption) -> Section:
    return {
        "key": "unused_modules",
        "title": "Live modules not in use",
        "columns": ["Institution", "Module", "Live since", "Busiest day's active users", "Why"],
        "rows": [
            [
                module.institution,
                module.name,
                formats.date_format(module.went_live_on, "j M Y"),
                module.peak_active_users,
                module.reason,
            ]
            for module in adopted.usage_blockers
        ],
        "chart": None,
    }


def _escalations(found: Recurring) -> Section:
    figures = found.escalations
    return {
        "key": "escalations",
        "title": "Escalations",
        "columns": ["Escalations", "De-escalated", "Median minutes open (de-escalated)"],
        "rows": [[figures.count, figures.de_escalated, figures.median_minutes]],
        "chart": None,
    }


def _access_changes(found: Recurring) -> Section:
    rows = [[action, count] for action, count in found.access_changes.items()]
    return {
        "key": "access_changes",
        "title": "Access changes",
        "columns": ["Action", "Changes done"],
        "rows": rows,
        "chart": _bars([[action, count, str(count)] for action, count in rows], series="backlog"),
    }


def _satisfaction(found: Recurring) -> Section:
    return {
        "key": "satisfaction",
        "title": "Satisfaction (CSAT)",
        "columns": ["Survey answers", "Average rating"],
        "rows": [[found.satisfaction.responses, found.satisfaction.average]],
        "chart": None,
    }


def _deflections(found: Recurring) -> Section:
    return {
        "key": "deflections",
        "title": "Deflections",
        "columns": ["Reports an article solved"],
        "rows": [[found.deflections]],
        "chart": None,
    }


def _handover(institution: Institution) -> Section:
    record = current_handover(institution)
    version = record.version
    rows = [
        [
            record.number,
            _moment(version.institution_signed_at if version else None),
            _moment(version.desk_signed_at if version else None),
            "yes" if version is not None and version.is_signed else "no",
        ]
    ]
    return {
        "key": "handover",
        "title": "Handover record",
        "columns": ["Version", "Signed for the institution", "Signed for the desk", "Agreed"],
        "rows": rows,
        "chart": None,
    }


def _scorecard(institution: Institution) -> Section:
    rows = [
        [
            str(GateKind(gate.kind).label),
            gate.threshold,
            gate.figure,
            "met" if gate.met else "not met",
        ]
        for gate in live_scorecard(institution)
    ]
    return {
        "key": "scorecard",
        "title": "Hypercare exit scorecard",
        "columns": ["Gate", "Threshold", "Figure", "Standing"],
        "rows": rows,
        "chart": None,
    }


def _time_section(key: str, spent: TimeSpent, user: User) -> Section:
    if key == "time_spent":
        return _time_spent(spent)
    return _time_entries(spent, user)


def _time_spent(spent: TimeSpent) -> Section:
    groups = (
        ("Agent", spent.by_agent),
        ("Institution", spent.by_institution),
        ("Category", spent.by_category),
    )
    rows = [[by, row.label, row.minutes, row.entries] for by, sums in groups for row in sums]
    total = spent.total
    return {
        "key": "time_spent",
        "title": "Time spent",
        "columns": ["Per", "Name", "Minutes", "Replies and notes"],
        "rows": [*rows, ["Total", "", total.minutes, total.entries]] if rows else [],
        "chart": None,
    }


def _time_entries(spent: TimeSpent, user: User) -> Section:
    """Every entry of the period, for the spreadsheet: the sums' raw rows."""
    entries = time_entries(user, spent.filters).select_related(
        "ticket__institution", "person", "event"
    )
    return {
        "key": "time_entries",
        "title": "Time entries",
        "sheet_only": True,
        "columns": ["Entered", "Ticket", "Institution", "Category", "Person", "On", "Minutes"],
        "rows": [
            [
                _moment(timezone.localtime(entry.at)),
                entry.ticket.reference,
                entry.ticket.institution.name,
                str(Category(entry.ticket.category).label),
                entry.person.display_name,
                "Internal note" if entry.event.is_internal else "Reply",
                entry.minutes,
            ]
            for entry in entries.order_by("at", "pk")
        ],
        "chart": None,
    }


def _moment(value: Any) -> str:
    return "" if value is None else formats.date_format(value, "j M Y H:i")


DASHBOARD_SECTIONS: dict[str, Callable[[Dashboard], Section]] = {
    "flow": _flow,
    "backlog": _backlog,
    "times": _times,
    "attainment": _attainment,
}
LOOP_SECTIONS: dict[str, Callable[[Recurring], Section]] = {
    "recurring": _recurring,
    "training_gaps": _training_gaps,
    "escalations": _escalations,
    "access_changes": _access_changes,
    "satisfaction": _satisfaction,
    "deflections": _deflections,
}
ADOPTION_SECTIONS: dict[str, Callable[[Adoption], Section]] = {
    "adoption_blockers": _adoption_blockers,
    "unused_modules": _unused_modules,
}
INSTITUTION_SECTIONS: dict[str, Callable[[Institution], Section]] = {
    "handover": _handover,
    "scorecard": _scorecard,
}

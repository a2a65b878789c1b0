"""Dashboard endpoint: the same figures as the dashboards page, as JSON."""

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from hypercare.api.common import actor, errors, refuse_unknown_query
from hypercare.lib.text import single_line
from hypercare.reports.recurring import Recurring, recurring
from hypercare.reports.selectors import (
    READERS_ONLY,
    Dashboard,
    Figure,
    dashboard,
    report_filters,
)
from hypercare.reports.time_spent import time_spent

router = Router(tags=["reports"])


# Every filter is checked by ``report_filters``, which names the field it refuses; the
# schema only bounds what may be sent.
FilterText = Annotated[str, single_line(max_length=40)]


class DashboardQuery(Schema):
    period: FilterText = Field("", description="`7d`, `30d` (the default), `12w` or `52w`.")
    institution: FilterText = Field("", description="An institution's id; an admin's own only.")
    module: FilterText = Field("", description="A module code.")
    category: FilterText = Field("", description="A ticket category.")
    team: FilterText = Field("", description="A team's id.")


class FigureOut(Schema):
    label: str
    value: int


class FlowOut(Schema):
    start: datetime = Field(description="The bucket's first moment, in the reader's zone.")
    opened: int
    resolved: int


class DurationsOut(Schema):
    label: str
    count: int = Field(description="Tickets that reached the moment in the period.")
    median_minutes: float | None
    p90_minutes: float | None


class AttainmentOut(Schema):
    priority: str
    clock: str = Field(description="`first_response` or `resolution`.")
    met: int
    breached: int
    percent: float | None = Field(description="Share met of the judged clocks; none judged: null.")


class DashboardOut(Schema):
    period: str
    start: datetime
    end: datetime
    unit: str = Field(description="`day` or `week`: the length of a flow bucket.")
    flow: list[FlowOut]
    backlog: list[FigureOut] = Field(description="Open tickets now, by age.")
    times: list[DurationsOut]
    attainment: list[AttainmentOut]
    breakdowns: dict[str, list[FigureOut]] = Field(
        description="Tickets opened in the period, by institution, module, category, team, "
        "tier and channel; only groups the reader may count."
    )


@router.get(
    "/reports/dashboard",
    response={200: DashboardOut, **errors(401, 422, forbidden=READERS_ONLY)},
)
def read_dashboard(request: HttpRequest, query: Query[DashboardQuery]) -> dict[str, Any]:
    """The dashboard's figures over the filters: every institution for support managers,
    their own for an institution's admin."""
    refuse_unknown_query(request, DashboardQuery.model_fields)
    user = actor(request)
    board = dashboard(user, report_filters(user, **query.dict()))
    return _out(board)


def _out(board: Dashboard) -> dict[str, Any]:
    return {
        "period": board.filters.period,
        "start": board.window.start,
        "end": board.window.end,
        "unit": board.window.unit,
        "flow": [
            {"start": row.start, "opened": row.opened.value, "resolved": row.resolved.value}
            for row in board.flow
        ],
        "backlog": [_figure(figure) for figure in board.backlog],
        "times": [
            {
                "label": row.label,
                "count": row.count,
                "median_minutes": row.median,
                "p90_minutes": row.p90,
            }
            for row in board.times
        ],
        "attainment": [
            {
                "priority": row.priority,
                "clock": row.clock,
                "met": row.met.value,
                "breached": row.breached.value,
                "percent": row.percent,
            }
            for row in board.attainment
        ],
        "breakdowns": {
            name: [_figure(figure) for figure in figures]
            for name, figures in board.breakdowns.items()
        },
    }


def _figure(figure: Figure) -> dict[str, Any]:
    return {"label": figure.label, "value": figure.value}


class GroupOut(Schema):
    kind: str = Field(description="`problem`, `article`, `duplicates` or `title`.")
    label: str
    count: int = Field(description="Tickets opened in the period in the group.")
    module: str = Field(description="The module most of its tickets are about.")
    category: str = Field(description="The category most of its tickets have.")
    institutions: list[str]
    statuses: list[str] = Field(
        description="`has a problem`, `has an article`, `has training`, or `nothing yet`."
    )
    tickets: list[int] = Field(description="Its newest tickets' numbers (100 at most).")


class TrainingGapOut(Schema):
    module: str
    erp_role: str
    count: int


class BlockerOut(Schema):
    institution: str
    module: str
    questions: int


class EscalationsOut(Schema):
    count: int = Field(description="Escalations of the tickets opened in the period.")
    de_escalated: int
    median_minutes: float | None = Field(description="How long de-escalated ones stayed open.")


class SatisfactionOut(Schema):
    responses: int
    average: float | None


class RecurringOut(Schema):
    period: str
    start: datetime
    end: datetime
    groups: list[GroupOut] = Field(description="The largest recurring issues, largest first.")
    training_gaps: list[TrainingGapOut]
    adoption_blockers: list[BlockerOut]
    access_changes: dict[str, int] = Field(
        description="Ledger lines done in the period, by action: `add`, `change`, `remove`."
    )
    escalations: EscalationsOut
    satisfaction: SatisfactionOut
    deflections: int


@router.get(
    "/reports/recurring",
    response={200: RecurringOut, **errors(401, 422, forbidden=READERS_ONLY)},
)
def read_recurring(request: HttpRequest, query: Query[DashboardQuery]) -> dict[str, Any]:
    """Recurring issues and the improvement loop's figures over the dashboard's filters."""
    refuse_unknown_query(request, DashboardQuery.model_fields)
    user = actor(request)
    return _recurring_out(recurring(user, report_filters(user, **query.dict())))


def _recurring_out(found: Recurring) -> dict[str, Any]:
    return {
        "period": found.filters.period,
        "start": found.window.start,
        "end": found.window.end,
        "groups": [
            {
                "kind": group.kind,
                "label": group.label,
                "count": group.count,
                "module": group.module,
                "category": group.category,
                "institutions": group.institution_names,
                "statuses": group.statuses,
                "tickets": group.tickets,
            }
            for group in found.groups
        ],
        "training_gaps": [vars(row) for row in found.training_gaps],
        "adoption_blockers": [
            {"institution": row.institution, "module": row.module, "questions": row.questions.value}
            for row in found.blockers
        ],
        "access_changes": found.access_changes,
        "escalations": vars(found.escalations),
        "satisfaction": vars(found.satisfaction),
        "deflections": found.deflections,
    }


class TimeSumOut(Schema):
    label: str
    minutes: int
    entries: int = Field(description="Replies and notes the minutes were entered on.")


class TimeSpentOut(Schema):
    period: str
    start: datetime
    end: datetime
    total: TimeSumOut
    by_agent: list[TimeSumOut]
    by_institution: list[TimeSumOut]
    by_category: list[TimeSumOut]


@router.get(
    "/reports/time",
    response={200: TimeSpentOut, **errors(401, 422, forbidden=READERS_ONLY)},
)
def read_time_spent(request: HttpRequest, query: Query[DashboardQuery]) -> dict[str, Any]:
    """The minutes support entered on replies and notes in the period, per agent, per
    institution and per category: every institution's tickets for support managers,
    their own for an institution's admin."""
    refuse_unknown_query(request, DashboardQuery.model_fields)
    user = actor(request)
    spent = time_spent(user, report_filters(user, **query.dict()))
    return {
        "period": spent.filters.period,
        "start": spent.window.start,
        "end": spent.window.end,
        "total": spent.total,
        "by_agent": spent.by_agent,
        "by_institution": spent.by_institution,
        "by_category": spent.by_category,
    }

"""The dashboards: charts drawn on the server, each bar a link to the tickets behind it.

Support managers drill down into the desk's queue; an institution's admin, who has no
desk, into the list of their institution's tickets here, which reads the same filters.
"""

from dataclasses import replace
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode

from hypercare import access
from hypercare.access_requests.choices import AccessAction
from hypercare.accounts.models import User
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution, Team
from hypercare.orgs.selectors import teams
from hypercare.reports import charts
from hypercare.reports.recurring import Recurring, recurring
from hypercare.reports.selectors import (
    BREAKDOWNS,
    CLOCKS,
    PERIODS,
    Dashboard,
    Figure,
    dashboard,
    readable_institutions,
    report_filters,
    report_tickets,
)
from hypercare.reports.time_spent import time_spent
from hypercare.surveys.choices import RATING_MAX
from hypercare.tickets.choices import OPEN_STATUSES, Category, Priority, Status
from hypercare.tickets.queue_filters import ALL_STATUSES, QueueFilterForm
from hypercare.tickets.selectors import MOMENTS, TicketFilters
from hypercare.web.guards import signed_in_user
from hypercare.web.pages import page_of

FILTERS = ("period", "institution", "module", "category", "team")


class DashboardFilterForm(forms.Form):
    """The dashboard's filters as the page shows them; ``report_filters`` checks them."""

    period = forms.ChoiceField(choices=[(key, label) for key, (label, _, _) in PERIODS.items()])
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(), required=False, empty_label="All"
    )
    module = forms.ChoiceField(choices=[("", "All"), *ModuleCode.choices], required=False)
    category = forms.ChoiceField(choices=[("", "All"), *Category.choices], required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="All")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = readable_institutions(user)  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams().order_by("name")  # type: ignore[attr-defined]


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    wanted = {name: request.GET.get(name, "") for name in FILTERS}
    board = dashboard(user, report_filters(user, **wanted))
    link = _linker(user)
    form = DashboardFilterForm(initial={**wanted, "period": board.filters.period}, user=user)
    context = {
        "form": form,
        "board": board,
        "period_label": PERIODS[board.filters.period][0],
        "flow": _flow_chart(board, link),
        "flow_rows": [
            {
                "start": bucket.start,
                "opened": bucket.opened.value,
                "opened_href": link(bucket.opened),
                "resolved": bucket.resolved.value,
                "resolved_href": link(bucket.resolved),
            }
            for bucket in board.flow
        ],
        "backlog": _backlog_chart(board, link),
        "times": _times(board, link),
        "attainment": _attainment(board, link),
        "breakdowns": [
            (key, label, _breakdown_chart(board.breakdowns[key], link))
            for key, label in BREAKDOWNS.items()
        ],
        "drill_in_desk": access.can_manage_desk(user),
    }
    return render(request, "web/reports/dashboard.html", context)


@login_required
def recurring_page(request: HttpRequest) -> HttpResponse:
    """Recurring issues and what the desk has done about them, with the improvement loop's
    other figures, over the dashboards' filters."""
    user = signed_in_user(request)
    wanted = {name: request.GET.get(name, "") for name in FILTERS}
    found = recurring(user, report_filters(user, **wanted))
    link = _linker(user)
    form = DashboardFilterForm(initial={**wanted, "period": found.filters.period}, user=user)
    context = {
        "form": form,
        "found": found,
        "period_label": PERIODS[found.filters.period][0],
        "groups": _groups(found, link),
        "blockers": [{"row": row, "href": link(row.questions)} for row in found.blockers],
        "access": _access_changes(found),
        "escalated_median": charts.duration(found.escalations.median_minutes),
        "rating_max": RATING_MAX,
        "adoption_threshold": settings.HYPERCARE_ADOPTION_QUESTIONS,
        "drill_in_desk": access.can_manage_desk(user),
    }
    return render(request, "web/reports/recurring.html", context)


def _groups(found: Recurring, link: "_Linker") -> dict[str, Any]:
    """Each recurring issue as a bar and a table row; both link to its tickets, closed
    ones too."""
    base = TicketFilters(status=tuple(Status))
    bars = [
        charts.Row(group.label, group.count, str(group.count), link(group.figure(base)))
        for group in found.groups
    ]
    rows = [
        {
            "group": group,
            "module": ModuleCode(group.module).label,
            "category": Category(group.category).label,
            "bar": bar,
        }
        for group, bar in zip(found.groups, bars, strict=True)
    ]
    return {"chart": charts.bars(bars), "rows": rows}


def _access_changes(found: Recurring) -> dict[str, Any]:
    rows = [
        charts.Row(str(AccessAction(action).label), count, str(count), None)
        for action, count in found.access_changes.items()
    ]
    return {"chart": charts.bars(rows, series="backlog"), "rows": rows}


@login_required
def tickets_page(request: HttpRequest) -> HttpResponse:
    """The tickets behind a figure, for readers without the desk's queue."""
    user = signed_in_user(request)
    form = QueueFilterForm(
        request.GET,
        institutions=readable_institutions(user),
        teams=teams(),
        agents=User.objects.none(),
        with_tags=access.can_see_tags(user),
    )
    form.is_valid()
    filters = form.filters()
    if not filters.status:
        filters = replace(filters, status=tuple(OPEN_STATUSES))
    context = {"form": form, "page": page_of(request, report_tickets(user, filters))}
    return render(request, "web/reports/tickets.html", context)


class _Linker:
    """The address of the tickets behind a figure, for one reader."""

    def __init__(self, base: str) -> None:
        self.base = base

    def __call__(self, figure: Figure) -> str | None:
        if figure.tickets is None:
            return None
        return f"{self.base}?{urlencode(queue_query(figure.tickets))}"


def _linker(user: User) -> _Linker:
    if access.can_manage_desk(user):
        return _Linker(reverse("web:desk"))
    return _Linker(reverse("web:report-tickets"))


def queue_query(filters: TicketFilters) -> dict[str, str]:
    """The queue's URL parameters for ``filters`` (``QueueFilterForm`` reads them back).
    Open statuses are the queue's default, so they are left out."""
    query = {"queue": "all"}
    if set(filters.status) == set(Status):
        query["status"] = ALL_STATUSES
    elif filters.status and set(filters.status) != OPEN_STATUSES:
        query["status"] = filters.status[0]
    for name in ("priority", "category", "module", "tier", "channel"):
        values = getattr(filters, name)
        if values:
            query[name] = str(values[0])
    for name in ("institution", "team"):
        value = getattr(filters, name)
        if value is not None:
            query[name] = str(value)
    if filters.ids:
        query["ids"] = ",".join(str(pk) for pk in filters.ids)
    if filters.sla:
        query["sla"] = filters.sla
    if filters.sla_clock:
        query["sla_clock"] = filters.sla_clock
    for moment in MOMENTS:
        for bound in ("after", "before"):
            at = getattr(filters, f"{moment}_{bound}")
            if at is not None:
                query[f"{moment}_{bound}"] = at.isoformat()
    return query


def _flow_chart(board: Dashboard, link: _Linker) -> charts.Columns:
    daily = board.window.unit == "day"
    groups = []
    for bucket in board.flow:
        label = formats.date_format(bucket.start, "j M" if daily else "\\w\\k W")
        groups.append(
            (
                label,
                [
                    (
                        "opened",
                        bucket.opened.value,
                        f"{label}: {bucket.opened.value} opened",
                        link(bucket.opened),
                    ),
                    (
                        "resolved",
                        bucket.resolved.value,
                        f"{label}: {bucket.resolved.value} resolved",
                        link(bucket.resolved),
                    ),
                ],
            )
        )
    return charts.columns(groups)


def _backlog_chart(board: Dashboard, link: _Linker) -> charts.Bars:
    rows = [
        charts.Row(figure.label, figure.value, str(figure.value), link(figure))
        for figure in board.backlog
    ]
    return charts.bars(rows, series="backlog")


def _times(board: Dashboard, link: _Linker) -> dict[str, Any]:
    rows = []
    for durations in board.times:
        for name, value in (("median", durations.median), ("p90", durations.p90)):
            href = link(Figure(durations.label, durations.count, durations.tickets))
            rows.append(
                charts.Row(f"{durations.label}, {name}", value or 0, charts.duration(value), href)
            )
    table = [
        {
            "label": durations.label,
            "count": durations.count,
            "median": charts.duration(durations.median),
            "p90": charts.duration(durations.p90),
            "href": link(Figure(durations.label, durations.count, durations.tickets)),
        }
        for durations in board.times
    ]
    return {"chart": charts.bars(rows, series="time"), "table": table}


def _attainment(board: Dashboard, link: _Linker) -> dict[str, Any]:
    rows = []
    table = []
    for row in board.attainment:
        label = f"{Priority(row.priority).label}, {CLOCKS[row.clock].lower()}"
        percent = row.percent
        text = "no clock judged" if percent is None else f"{percent:g} %"
        rows.append(charts.Row(label, percent or 0, text, link(row.breached)))
        table.append(
            {
                "label": label,
                "percent": text,
                "met": row.met.value,
                "met_href": link(row.met),
                "breached": row.breached.value,
                "breached_href": link(row.breached),
            }
        )
    return {"chart": charts.bars(rows, series="sla", top=100), "table": table}


def _breakdown_chart(figures: list[Figure], link: _Linker) -> dict[str, Any]:
    rows = [
        charts.Row(figure.label, figure.value, str(figure.value), link(figure))
        for figure in figures
    ]
    return {"chart": charts.bars(rows), "rows": rows}


@login_required
def time_spent_page(request: HttpRequest) -> HttpResponse:
    """The minutes support entered on replies and notes, over the dashboards' filters."""
    user = signed_in_user(request)
    wanted = {name: request.GET.get(name, "") for name in FILTERS}
    spent = time_spent(user, report_filters(user, **wanted))
    form = DashboardFilterForm(initial={**wanted, "period": spent.filters.period}, user=user)
    context = {
        "form": form,
        "spent": spent,
        "period_label": PERIODS[spent.filters.period][0],
        "tables": [
            ("agent", "Per agent", "Agent", spent.by_agent),
            ("institution", "Per institution", "Institution", spent.by_institution),
            ("category", "Per category", "Category", spent.by_category),
        ],
        "drill_in_desk": access.can_manage_desk(user),
    }
    return render(request, "web/reports/time_spent.html", context)

"""Adoption blockers: modules an institution keeps asking "how do I" about, and live
modules its people do not use. Both are counted by the database and read through the
reports' scope, so an institution's admin sees their own institution's alone."""

from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.adoption.models import ModuleUsage
from hypercare.errors import NotAllowed, NotFound
from hypercare.lib import clock
from hypercare.orgs.models import Institution, Module
from hypercare.orgs.selectors import desk_day
from hypercare.reports.recurring import Blocker, adoption_blockers
from hypercare.reports.selectors import (
    READERS_ONLY,
    ReportFilters,
    Window,
    base_filters,
    filters_q,
    window,
)
from hypercare.tickets.models import Ticket

NO_INSTITUTION = "No such institution, or you may not send or read its module usage."
NO_USAGE_DATA = "no usage data received"


@dataclass(frozen=True)
class LiveModule:
    """A module an institution went live on, and its use over the usage window."""

    institution_id: int
    institution: str
    code: str
    name: str
    went_live_on: date
    days_reported: int
    peak_active_users: int | None
    blocker: bool

    @property
    def reason(self) -> str:
        if self.days_reported == 0:
            return NO_USAGE_DATA
        if not self.peak_active_users:
            return "nobody used it"
        if self.blocker:
            users = "user" if self.peak_active_users == 1 else "users"
            return f"at most {self.peak_active_users} active {users} a day"
        return "in use"


@dataclass(frozen=True)
class Adoption:
    filters: ReportFilters
    window: Window
    question_threshold: int
    questions: list[Blocker]
    usage_since: date
    usage_until: date
    min_active_users: int
    modules: list[LiveModule]

    @property
    def usage_blockers(self) -> list[LiveModule]:
        return [module for module in self.modules if module.blocker]


def adoption(user: User, filters: ReportFilters) -> Adoption:
    """The adoption blockers ``user`` may read, over the dashboards' filters: questions
    over the period, usage over the last ``HYPERCARE_ADOPTION_DAYS`` days."""
    if not access.can_read_reports(user):
        raise NotAllowed(READERS_ONLY)
    span = window(filters.period)
    tickets = Ticket.objects.filter(access.report_scope(user), filters_q(filters))
    base = replace(base_filters(filters), created_after=span.start, created_before=span.end)
    until = desk_day(clock.now())
    since = until - timedelta(days=settings.HYPERCARE_ADOPTION_DAYS - 1)
    return Adoption(
        filters=filters,
        window=span,
        question_threshold=settings.HYPERCARE_ADOPTION_QUESTIONS,
        questions=adoption_blockers(user, filters, tickets, span, base),
        usage_since=since,
        usage_until=until,
        min_active_users=settings.HYPERCARE_ADOPTION_MIN_ACTIVE_USERS,
        modules=live_modules(user, filters, since, until),
    )


def live_modules(user: User, filters: ReportFilters, since: date, until: date) -> list[LiveModule]:
    """Each module live by ``until`` that ``user`` may read, with the days it reported
    usage and its busiest day between ``since`` and ``until``; blockers first. One
    aggregate query."""
    minimum = settings.HYPERCARE_ADOPTION_MIN_ACTIVE_USERS
    modules = Module.objects.filter(
        institution__in=Institution.objects.filter(access.report_institution_scope(user)),
        is_active=True,
        went_live_on__lte=until,
    )
    if filters.institution is not None:
        modules = modules.filter(institution_id=filters.institution)
    if filters.module:
        modules = modules.filter(code=filters.module)
    recent = Q(usage__day__gte=since, usage__day__lte=until)
    rows = modules.annotate(
        days_reported=Count("usage", filter=recent),
        peak=Max("usage__active_users", filter=recent),
    ).values_list(
        "institution_id", "institution__name", "code", "name", "went_live_on", "days_reported",
        "peak",
    )  # fmt: skip
    found = [
        LiveModule(pk, institution, code, name, live, days, peak, days == 0 or peak < minimum)
        for pk, institution, code, name, live, days, peak in rows
        if live is not None
    ]
    return sorted(found, key=lambda row: (not row.blocker, row.institution, row.name))


def usage_institution(user: User, pk: int) -> Institution:
    """An institution whose usage ``user`` may send or read; others do not exist."""
    institution = Institution.objects.filter(access.module_usage_institutions(user), pk=pk).first()
    if institution is None:
        raise NotFound(NO_INSTITUTION)
    return institution


def usage_received(user: User, institution: Institution) -> QuerySet[ModuleUsage]:
    """The figures received for ``institution``'s modules that ``user`` reads, newest day
    first."""
    return (
        ModuleUsage.objects.filter(access.module_usage_scope(user))
        .filter(module__institution=institution)
        .select_related("module", "recorded_by")
        .order_by("-day", "module__name")
    )

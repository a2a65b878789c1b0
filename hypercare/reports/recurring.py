"""Recurring issues and the improvement loop: which issues come back, and what the desk has
done about them (a problem, an article, training), beside the loop's other figures.

Tickets are grouped by the desk's own links first — the same problem, the same answering
article, duplicates linked or merged — and the rest by similar titles. Grouping by title
needs Python: the tickets opened in the period are read newest first, at most
``RECURRING_ROWS_MAX`` of them (four short columns each), so the page stays cheap on a
busy desk; the page says when the limit was reached. Every other figure is counted by
the database. Everything is read through ``access.report_scope``, so an institution's
admin sees their own institution's tickets alone, in groups and totals alike.
"""

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from hypercare import access
from hypercare.access_requests.choices import AccessAction
from hypercare.access_requests.models import LedgerEntry
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed
from hypercare.escalations.models import Escalation
from hypercare.knowledge.models import (
    Deflection,
    TicketAnswer,
    TrainingGap,
    TrainingNoteDelivery,
)
from hypercare.links.choices import LinkKind
from hypercare.links.models import TicketLink
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.problems.models import ProblemLink
from hypercare.reports.selectors import (
    READERS_ONLY,
    Figure,
    ReportFilters,
    Window,
    base_filters,
    filters_q,
    window,
)
from hypercare.surveys.models import Survey
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import TicketFilters

# The most tickets read to group by title; newer ones first.
RECURRING_ROWS_MAX = 3000
# The most groups shown; a group needs at least two tickets to recur.
RECURRING_TOP = 20
# The most tickets a group's drill-down names (the newest).
GROUP_TICKETS_MAX = 100
# "How do I" questions about one module from one institution, from this many on.
ADOPTION_THRESHOLD = 3
# The most escalations whose durations are read for the median.
ESCALATIONS_MAX = 5000
# Significant words of a title that make its key.
TITLE_WORDS = 4
# Words of two letters or fewer are left out as well.
STOP_WORDS = frozenset(
    {
        "and",
        "are",
        "but",
        "can",
        "cannot",
        "could",
        "does",
        "error",
        "for",
        "from",
        "has",
        "have",
        "how",
        "its",
        "not",
        "our",
        "please",
        "the",
        "there",
        "this",
        "was",
        "what",
        "when",
        "where",
        "which",
        "why",
        "will",
        "with",
        "you",
        "your",
        "issue",
        "problem",
        "help",
    }
)
_NOT_A_LETTER = re.compile(r"[^a-z]+")


def title_key(title: str) -> str:
    """A title's significant words: lower case, no digits nor punctuation nor stop words,
    the first ``TITLE_WORDS`` of them sorted, so "Invoice 123 won't post!" and "invoice
    won't post" fall together."""
    words = [
        word
        for word in _NOT_A_LETTER.split(title.lower())
        if len(word) > 2 and word not in STOP_WORDS
    ]
    return " ".join(sorted(dict.fromkeys(words[:TITLE_WORDS])))


@dataclass
class Group:
    """Tickets that are one recurring issue, and what the desk has done about it."""

    kind: str
    label: str
    tickets: list[int] = field(default_factory=list)
    modules: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    institutions: set[int] = field(default_factory=set)
    institution_names: list[str] = field(default_factory=list)
    has_problem: bool = False
    has_article: bool = False
    has_training: bool = False

    @property
    def count(self) -> int:
        return len(self.tickets)

    @property
    def module(self) -> str:
        return self.modules.most_common(1)[0][0]

    @property
    def category(self) -> str:
        return self.categories.most_common(1)[0][0]

    @property
    def statuses(self) -> list[str]:
        found = [
            name
            for name, has in (
                ("has a problem", self.has_problem),
                ("has an article", self.has_article),
                ("has training", self.has_training),
            )
            if has
        ]
        return found or ["nothing yet"]

    def figure(self, base: TicketFilters) -> Figure:
        return Figure(self.label, self.count, replace(base, ids=tuple(self.tickets)))


@dataclass(frozen=True)
class TrainingRow:
    module: str
    erp_role: str
    count: int


@dataclass(frozen=True)
class Blocker:
    institution: str
    module: str
    questions: Figure


@dataclass(frozen=True)
class Escalations:
    count: int
    de_escalated: int
    median_minutes: float | None


@dataclass(frozen=True)
class Satisfaction:
    responses: int
    average: float | None


@dataclass(frozen=True)
class Recurring:
    filters: ReportFilters
    window: Window
    groups: list[Group]
    read_all: bool
    training_gaps: list[TrainingRow]
    blockers: list[Blocker]
    access_changes: dict[str, int]
    escalations: Escalations
    satisfaction: Satisfaction
    deflections: int


def recurring(user: User, filters: ReportFilters) -> Recurring:
    """The recurring issues and the improvement loop's figures ``user`` may read."""
    if not access.can_read_reports(user):
        raise NotAllowed(READERS_ONLY)
    span = window(filters.period)
    tickets = Ticket.objects.filter(access.report_scope(user)).filter(filters_q(filters))
    opened = tickets.filter(created_at__gte=span.start, created_at__lt=span.end)
    institutions = Institution.objects.filter(access.report_institution_scope(user))
    if filters.institution is not None:
        institutions = institutions.filter(pk=filters.institution)
    base = replace(base_filters(filters), created_after=span.start, created_before=span.end)
    groups, read_all = recurring_groups(opened)
    return Recurring(
        filters=filters,
        window=span,
        groups=groups,
        read_all=read_all,
        training_gaps=training_gaps(opened),
        blockers=adoption_blockers(opened, base),
        access_changes=access_changes(institutions, span),
        escalations=escalations(opened),
        satisfaction=satisfaction(tickets, span),
        deflections=deflections(institutions, filters, span, everyone=access.can_manage_desk(user)),
    )


def recurring_groups(opened: QuerySet[Ticket]) -> tuple[list[Group], bool]:
    """The largest groups of two tickets or more among the newest ``RECURRING_ROWS_MAX``
    opened in the period, and whether every ticket of the period was read. A ticket joins
    one group: its problem's, else its article's, else its duplicates', else its title's."""
    rows = list(
        opened.order_by("-created_at", "-pk").values_list(
            "pk", "title", "institution_id", "module__code", "category"
        )[: RECURRING_ROWS_MAX + 1]
    )
    read_all = len(rows) <= RECURRING_ROWS_MAX
    rows = rows[:RECURRING_ROWS_MAX]
    keys = [row[0] for row in rows]
    problems = _first_links(
        ProblemLink.objects.filter(ticket_id__in=keys).order_by("linked_at", "pk"),
        "problem_id",
        "problem__title",
    )
    answers = _first_links(
        TicketAnswer.objects.filter(ticket_id__in=keys).order_by("linked_at", "pk"),
        "article_id",
        "article__title",
    )
    duplicates = _duplicate_roots(keys)
    groups: dict[tuple[str, Any], Group] = {}
    for pk, title, institution, module, category in rows:
        key, label = _group_of(pk, title, module, category, problems, answers, duplicates)
        group = groups.setdefault(key, Group(kind=key[0], label=label))
        group.tickets.append(pk)
        group.modules[module] += 1
        group.categories[category] += 1
        group.institutions.add(institution)
        group.has_problem |= pk in problems
        group.has_article |= pk in answers
    top = sorted(
        (group for group in groups.values() if group.count > 1),
        key=lambda group: (-group.count, group.label),
    )[:RECURRING_TOP]
    _describe(top)
    return top, read_all


def _group_of(
    pk: int,
    title: str,
    module: str,
    category: str,
    problems: dict[int, tuple[int, str]],
    answers: dict[int, tuple[int, str]],
    duplicates: dict[int, int],
) -> tuple[tuple[str, Any], str]:
    if pk in problems:
        problem, problem_title = problems[pk]
        return ("problem", problem), f"Problem: {problem_title}"
    if pk in answers:
        article, article_title = answers[pk]
        return ("article", article), f"Article: {article_title}"
    if pk in duplicates:
        return ("duplicates", duplicates[pk]), f"Duplicates of #{duplicates[pk]}: {title}"
    words = title_key(title) or title.lower()
    return ("title", (module, category, words)), f"Titles like “{words}”"


def _first_links(links: QuerySet[Any], target: str, title: str) -> dict[int, tuple[int, str]]:
    """Each ticket's first linked problem or article, with its title."""
    first: dict[int, tuple[int, str]] = {}
    for ticket, pk, name in links.values_list("ticket_id", target, title):
        first.setdefault(ticket, (pk, name))
    return first


def _duplicate_roots(keys: list[int]) -> dict[int, int]:
    """Tickets tied by duplicate-of links, both ends among ``keys`` (so no ticket the
    reader may not count is followed), mapped to the smallest ticket of their cluster."""
    among = set(keys)
    parent: dict[int, int] = {}

    def root(pk: int) -> int:
        while parent.get(pk, pk) != pk:
            pk = parent[pk]
        return pk

    links = TicketLink.objects.filter(
        kind=LinkKind.DUPLICATE_OF, source_id__in=keys, target_id__in=keys
    ).values_list("source_id", "target_id")
    for source, target in links:
        if source in among and target in among:
            low, high = sorted((root(source), root(target)))
            parent[high] = low
            parent.setdefault(low, low)
    return {pk: root(pk) for pk in parent}


def _describe(groups: list[Group]) -> None:
    """Names the groups' institutions and tells which have training for their module: a
    training gap flagged, or a training note sent, for one of their institutions."""
    wanted = {pk for group in groups for pk in group.institutions}
    names = dict(Institution.objects.filter(pk__in=wanted).values_list("pk", "name"))
    trained = set(
        TrainingGap.objects.filter(institution_id__in=wanted).values_list(
            "institution_id", "module_code"
        )
    ) | set(
        TrainingNoteDelivery.objects.filter(institution_id__in=wanted).values_list(
            "institution_id", "article__module_code"
        )
    )
    for group in groups:
        group.institution_names = sorted(names[pk] for pk in group.institutions)
        group.has_training = any((pk, group.module) in trained for pk in group.institutions)
        group.tickets = sorted(group.tickets, reverse=True)[:GROUP_TICKETS_MAX]


def training_gaps(opened: QuerySet[Ticket]) -> list[TrainingRow]:
    """Training gaps flagged on the tickets opened in the period, by module and ERP role."""
    rows = (
        TrainingGap.objects.filter(ticket__in=opened.values("pk"))
        .values("module_code", "erp_role")
        .annotate(count=Count("pk"))
        .order_by("-count", "module_code", "erp_role")
    )
    return [TrainingRow(row["module_code"], row["erp_role"], row["count"]) for row in rows]


def adoption_blockers(opened: QuerySet[Ticket], base: TicketFilters) -> list[Blocker]:
    """Modules an institution keeps asking "how do I" about: ``ADOPTION_THRESHOLD`` or
    more questions opened in the period. (Institutions live on a module whose users open
    no ticket are not told: Hypercare does not know who signs in to the ERP.)"""
    rows = (
        opened.filter(category=Category.QUESTION)
        .values("institution_id", "institution__name", "module__code")
        .annotate(count=Count("pk"))
        .filter(count__gte=ADOPTION_THRESHOLD)
        .order_by("-count", "institution__name", "module__code")
    )
    return [
        Blocker(
            institution=row["institution__name"],
            module=str(ModuleCode(row["module__code"]).label),
            questions=Figure(
                "Questions",
                row["count"],
                replace(
                    base,
                    institution=row["institution_id"],
                    module=(row["module__code"],),
                    category=(Category.QUESTION,),
                ),
            ),
        )
        for row in rows
    ]


def access_changes(institutions: QuerySet[Institution], span: Window) -> dict[str, int]:
    """Access changes done in the ERP in the period, by action, from the institutions'
    ledgers (module, category and team do not apply to them)."""
    rows = (
        LedgerEntry.objects.filter(
            institution__in=institutions, done_at__gte=span.start, done_at__lt=span.end
        )
        .values("action")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counted = {row["action"]: row["count"] for row in rows}
    return {str(action.value): counted.get(action, 0) for action in AccessAction}


def escalations(opened: QuerySet[Ticket]) -> Escalations:
    """Escalations of the tickets opened in the period, and the median minutes those
    de-escalated stayed open (read from at most ``ESCALATIONS_MAX`` of them)."""
    escalated = Escalation.objects.filter(ticket__in=opened.values("pk"))
    closed = list(
        escalated.filter(de_escalated_at__isnull=False)
        .order_by("-requested_at")
        .values_list("requested_at", "de_escalated_at")[:ESCALATIONS_MAX]
    )
    minutes = [_minutes(start, end) for start, end in closed if end is not None]
    return Escalations(
        count=escalated.count(),
        de_escalated=len(minutes),
        median_minutes=round(statistics.median(minutes), 1) if minutes else None,
    )


def _minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


def satisfaction(tickets: QuerySet[Ticket], span: Window) -> Satisfaction:
    """Survey answers received in the period about the tickets the reader may count."""
    answered = {
        "ticket__in": tickets.values("pk"),
        "answered_at__gte": span.start,
        "answered_at__lt": span.end,
        "rating__isnull": False,
    }
    figures = Survey.objects.filter(**answered).aggregate(
        responses=Count("pk"), average=Avg("rating")
    )
    average = figures["average"]
    return Satisfaction(figures["responses"], None if average is None else round(average, 2))


def deflections(
    institutions: QuerySet[Institution], filters: ReportFilters, span: Window, *, everyone: bool
) -> int:
    """Reports never filed because an article solved them, in the period. Deflections of
    no institution count for support managers (``everyone``) unless they narrow to one
    institution; category and team do not apply."""
    q = Q(institution__in=institutions)
    if everyone and filters.institution is None:
        q |= Q(institution__isnull=True)
    if filters.module:
        q &= Q(module_code=filters.module)
    return Deflection.objects.filter(q, at__gte=span.start, at__lt=span.end).count()

"""Recurring issues and the improvement loop: which issues come back, and what the desk has
done about them (a problem, an article, training), beside the loop's other figures.

Tickets are grouped by the desk's own links first — the same problem, the same answering
article, duplicates linked or merged — and the rest by similar titles (the title key each
ticket stores). Every ticket of the period counts: the database groups and counts them,
and only the largest groups' details are read. Everything is read through
``access.report_scope``, so an institution's admin sees their own institution's tickets
alone, in groups and totals alike.
"""

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, F, Q, QuerySet

from hypercare import access
from hypercare.access_requests.choices import AccessAction
from hypercare.access_requests.models import LedgerEntry
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed
from hypercare.escalations.models import Escalation
from hypercare.knowledge.models import (
    Article,
    Deflection,
    TicketAnswer,
    TrainingGap,
    TrainingNoteDelivery,
)
from hypercare.links.choices import LinkKind
from hypercare.links.models import TicketLink
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.problems.models import Problem, ProblemLink
from hypercare.reports.percentiles import minutes_percentiles
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

# The most groups shown; a group needs at least two tickets to recur.
RECURRING_TOP = 20
# The most tickets a group's drill-down names (the newest).
GROUP_TICKETS_MAX = 100
# The columns of ``_linked`` that decide a ticket's group.
_TIES = "problem_id, article_id, root, module_code, category, title_key"
# What makes a group, as the SQL below names it: the kind, and its target (a problem,
# an article, the smallest ticket of a cluster of duplicates), or for tickets tied to
# none of those, their module, category and title key.
GroupKey = tuple[str, int | None, str | None, str | None, str | None]


@dataclass
class Group:
    """Tickets that are one recurring issue, and what the desk has done about it."""

    kind: str
    label: str
    count: int
    # The newest ``GROUP_TICKETS_MAX`` of them, newest first, for the drill-down.
    tickets: list[int] = field(default_factory=list)
    modules: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    institutions: set[int] = field(default_factory=set)
    institution_names: list[str] = field(default_factory=list)
    has_problem: bool = False
    has_article: bool = False
    has_training: bool = False

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
    return Recurring(
        filters=filters,
        window=span,
        groups=recurring_groups(opened),
        training_gaps=training_gaps(opened),
        blockers=adoption_blockers(opened, base),
        access_changes=access_changes(institutions, span),
        escalations=escalations(opened),
        satisfaction=satisfaction(tickets, span),
        deflections=deflections(institutions, filters, span, everyone=access.can_manage_desk(user)),
    )


def recurring_groups(opened: QuerySet[Ticket]) -> list[Group]:
    """The ``RECURRING_TOP`` largest groups of two tickets or more among ``opened``,
    largest first. A ticket joins one group: its problem's, else its article's, else its
    duplicates', else its title's (module, category and title key alike). The database
    counts the groups over every ticket, then reads the largest groups' details alone."""
    # Most tickets are tied to nothing: every ticket is counted under its title key
    # first, from the report's index alone, and the few tied ones (found from the links'
    # side) are taken back out of their title's count and counted under their tie.
    # Joining every ticket of the period to its links instead took twice as long. The
    # title key leads the grouping so that, over a long period, PostgreSQL can read the
    # tickets in key order from ticket_title_key and sort each key's few alone, rather
    # than sort the whole period (past work_mem, on disk).
    tied = _linked(_tied(opened))
    counted = _fetch(
        f"SELECT {_group_of('c')}, SUM(c.n) FROM ("  # noqa: S608
        "SELECT CAST(NULL AS BIGINT) AS problem_id, CAST(NULL AS BIGINT) AS article_id, "
        "CAST(NULL AS BIGINT) AS root, module_code, "
        "category, title_key, COUNT(*) AS n FROM ({}) AS t "
        "GROUP BY title_key, category, module_code "
        "UNION ALL SELECT NULL, NULL, NULL, module_code, category, title_key, -COUNT(*) "
        "FROM ({}) AS l GROUP BY module_code, category, title_key "
        f"UNION ALL SELECT {_TIES}, COUNT(*) FROM ({{}}) AS l GROUP BY {_TIES}"
        ") AS c GROUP BY 1, 2, 3, 4, 5 "
        "HAVING SUM(c.n) > 1 ORDER BY SUM(c.n) DESC, 1, 2, 5 LIMIT %s",
        opened,
        [_sql(_rows(opened)), tied, tied],
        [RECURRING_TOP],
    )
    groups = {_key(row): Group(kind=row[0], label="", count=int(row[5])) for row in counted}
    if groups:
        _describe(groups, opened)
    return sorted(groups.values(), key=lambda group: (-group.count, group.label))


def _key(row: tuple[Any, ...]) -> GroupKey:
    kind, target, module, category, key = row[:5]
    return (kind, target, module, category, key)


def _fetch(
    select: str,
    opened: QuerySet[Ticket],
    sources: list[tuple[str, list[Any]]],
    params: list[Any],
) -> list[tuple[Any, ...]]:
    """Runs ``select`` with each of ``sources`` (SQL and its parameters) in its ``{}`` in
    turn, then ``params``. Duplicates are clustered over ``opened`` (``reach``), for the
    sources that read ``_linked``."""
    edges_sql, edges_params = _duplicate_edges(opened)
    # The SQL is made here from constants and Django's own queries; values are parameters.
    sql = (
        f"WITH RECURSIVE edges (a, b) AS ({edges_sql}), "  # noqa: S608
        "reach (node, other) AS (SELECT a, b FROM edges "
        "UNION SELECT reach.node, edges.b FROM reach JOIN edges ON edges.a = reach.other) "
        + select.format(*(source for source, _ in sources))  # noqa: S608
    )
    values = [value for _, source_params in sources for value in source_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*edges_params, *values, *params])
        return list(cursor.fetchall())


def _sql(rows: QuerySet[Any]) -> tuple[str, list[Any]]:
    sql, params = rows.query.sql_with_params()
    return sql, list(params)


def _tied(opened: QuerySet[Ticket]) -> QuerySet[Any]:
    """The tickets of ``opened`` linked to a problem, an article or a duplicate
    (``_rows``), each kind found from its links (few) rather than from the period."""
    duplicates = TicketLink.objects.filter(kind=LinkKind.DUPLICATE_OF)
    first, *others = (
        _rows(opened.filter(pk__in=ids))
        for ids in (
            ProblemLink.objects.values("ticket_id"),
            TicketAnswer.objects.values("ticket_id"),
            duplicates.values("source_id"),
            duplicates.values("target_id"),
        )
    )
    return first.union(*others)


def _duplicate_edges(opened: QuerySet[Ticket]) -> tuple[str, list[Any]]:
    """Duplicate-of links with both ends among ``opened`` (so no ticket the reader may
    not count is followed), both ways round: the recursive ``reach`` walks them to every
    ticket of each cluster."""
    ids_sql, ids_params = opened.order_by().values("pk").query.sql_with_params()
    links = TicketLink._meta.db_table
    one_way = (
        f"SELECT {{a}}, {{b}} FROM {links} WHERE kind = %s "  # noqa: S608 (constants; values are parameters)
        f"AND source_id IN ({ids_sql}) AND target_id IN ({ids_sql})"
    )
    params = [LinkKind.DUPLICATE_OF, *ids_params, *ids_params]
    return (
        one_way.format(a="source_id", b="target_id")
        + " UNION "
        + one_way.format(a="target_id", b="source_id"),
        [*params, *params],
    )


def _rows(tickets: QuerySet[Ticket]) -> QuerySet[Any]:
    """The columns of ``tickets`` their groups are made of."""
    return (
        tickets.order_by()
        .annotate(module_code=F("module__code"))
        .values("id", "institution_id", "module_code", "category", "title_key")
    )


def _linked(rows: QuerySet[Any]) -> tuple[str, list[Any]]:
    """Each ticket of ``rows`` (``_rows``: its key, institution, module code, category
    and title key) with what ties it to others: its first problem, its first answering
    article, and the smallest ticket of its cluster of duplicates, each NULL when it has
    none."""
    rows_sql, params = _sql(rows)
    sql = (
        "SELECT t.id, t.institution_id, t.module_code, t.category, t.title_key, "  # noqa: S608 (constants; values are parameters)
        "p.problem_id, a.article_id, d.root "
        f"FROM ({rows_sql}) AS t "
        f"LEFT JOIN ({_first_link(ProblemLink, 'problem_id')}) AS p ON p.ticket_id = t.id "
        f"LEFT JOIN ({_first_link(TicketAnswer, 'article_id')}) AS a ON a.ticket_id = t.id "
        "LEFT JOIN (SELECT node, MIN(other) AS root FROM reach GROUP BY node) AS d "
        "ON d.node = t.id"
    )
    return sql, params


def _group_of(row: str) -> str:
    """The ``GroupKey`` columns of ``row`` (a row of ``_linked`` or a count of them): its
    problem, else its article, else its duplicates, else its module, category and title
    key."""
    linked = f"COALESCE({row}.problem_id, {row}.article_id, {row}.root)"
    return (
        f"CASE WHEN {row}.problem_id IS NOT NULL THEN 'problem' "
        f"WHEN {row}.article_id IS NOT NULL THEN 'article' "
        f"WHEN {row}.root IS NOT NULL THEN 'duplicates' ELSE 'title' END AS kind, "
        f"{linked} AS target, "
        f"CASE WHEN {linked} IS NULL THEN {row}.module_code END AS group_module, "
        f"CASE WHEN {linked} IS NULL THEN {row}.category END AS group_category, "
        f"CASE WHEN {linked} IS NULL THEN {row}.title_key END AS group_key"
    )


def _first_link(model: type[ProblemLink] | type[TicketAnswer], target: str) -> str:
    """Each ticket's first linked problem or article (the earliest linked)."""
    return (
        f"SELECT ticket_id, {target} FROM (SELECT ticket_id, {target}, "  # noqa: S608 (constants; values are parameters)
        "ROW_NUMBER() OVER (PARTITION BY ticket_id ORDER BY linked_at, id) AS n "
        f"FROM {model._meta.db_table}) AS ranked WHERE n = 1"
    )


def _members(groups: dict[GroupKey, Group], opened: QuerySet[Ticket]) -> QuerySet[Any]:
    """The tickets of ``opened`` that may belong to ``groups``: those with the groups'
    title keys, and those tied to their problems, articles or duplicates (``_rows``);
    each part found from its own index, rather than by reading the whole period again."""
    kinds: dict[str, list[Any]] = {}
    for kind, target, module, category, key in groups:
        kinds.setdefault(kind, []).append(target if target is not None else (module, category, key))
    parts = []
    if "title" in kinds:
        same = Q()
        for module, category, key in kinds["title"]:
            same |= Q(module__code=module, category=category, title_key=key)
        parts.append(opened.filter(same))
    if "problem" in kinds:
        linked = ProblemLink.objects.filter(problem_id__in=kinds["problem"])
        parts.append(opened.filter(pk__in=linked.values("ticket_id")))
    if "article" in kinds:
        answered = TicketAnswer.objects.filter(article_id__in=kinds["article"])
        parts.append(opened.filter(pk__in=answered.values("ticket_id")))
    if "duplicates" in kinds:
        duplicates = TicketLink.objects.filter(kind=LinkKind.DUPLICATE_OF)
        parts.append(opened.filter(pk__in=duplicates.values("source_id")))
        parts.append(opened.filter(pk__in=duplicates.values("target_id")))
    first, *others = (_rows(part) for part in parts)
    return first.union(*others) if others else first


def _describe(groups: dict[GroupKey, Group], opened: QuerySet[Ticket]) -> None:
    """Reads what the largest groups hold (a bounded number of queries, whatever their
    size): their modules, categories and institutions counted, their newest tickets,
    their labels, and which have training for their module (``_train``): a training gap
    flagged, or a training note sent, for one of their institutions."""
    among = _members(groups, opened)
    counted = _fetch(
        f"SELECT {_group_of('c')}, c.module_code, c.category, c.institution_id, "  # noqa: S608
        f"MAX(c.answered), SUM(c.n) FROM (SELECT {_TIES}, institution_id, "
        "CASE WHEN article_id IS NULL THEN 0 ELSE 1 END AS answered, COUNT(*) AS n "
        f"FROM ({{}}) AS l GROUP BY {_TIES}, institution_id, answered) AS c "
        "GROUP BY 1, 2, 3, 4, 5, c.module_code, c.category, c.institution_id",
        opened,
        [_linked(among)],
        [],
    )
    for row in counted:
        if (group := groups.get(_key(row))) is not None:
            module, category, institution, answered, count = row[5:]
            group.modules[module] += int(count)
            group.categories[category] += int(count)
            group.institutions.add(institution)
            group.has_problem = group.kind == "problem"
            group.has_article |= bool(answered)
    newest = _fetch(
        "SELECT kind, target, group_module, group_category, group_key, id FROM "  # noqa: S608
        "(SELECT g.*, ROW_NUMBER() OVER (PARTITION BY kind, target, group_module, "
        "group_category, group_key ORDER BY id DESC) AS n "
        f"FROM (SELECT {_group_of('l')}, l.id FROM ({{}}) AS l) AS g) AS ranked "
        "WHERE n <= %s ORDER BY id DESC",
        opened,
        [_linked(among)],
        [GROUP_TICKETS_MAX],
    )
    for row in newest:
        if (group := groups.get(_key(row))) is not None:
            group.tickets.append(row[5])
    _label(groups)
    _train(list(groups.values()))


def _label(groups: dict[GroupKey, Group]) -> None:
    """Names each group as the page shows it: its problem or article by title, its
    duplicates by their first ticket and the newest one's title, its title key."""
    targets: dict[str, set[int]] = {}
    for kind, target, _, _, _ in groups:
        if target is not None:
            targets.setdefault(kind, set()).add(target)
    names = {
        "problem": dict(
            Problem.objects.filter(pk__in=targets.get("problem", ())).values_list("pk", "title")
        ),
        "article": dict(
            Article.objects.filter(pk__in=targets.get("article", ())).values_list("pk", "title")
        ),
    }
    newest = [group.tickets[0] for group in groups.values() if group.kind == "duplicates"]
    titles = dict(Ticket.objects.filter(pk__in=newest).values_list("pk", "title"))
    for (kind, target, _, _, key), group in groups.items():
        if target is None:
            group.label = f"Titles like “{key}”"
        elif kind == "duplicates":
            group.label = f"Duplicates of #{target}: {titles[group.tickets[0]]}"
        else:
            group.label = f"{kind.capitalize()}: {names[kind][target]}"


def _train(groups: list[Group]) -> None:
    """Names the groups' institutions and tells which have training for their module."""
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
    """Modules an institution keeps asking "how do I" about: ``HYPERCARE_ADOPTION_QUESTIONS``
    or more questions opened in the period. (Institutions live on a module whose users open
    no ticket are not told: Hypercare does not know who signs in to the ERP.)"""
    rows = (
        opened.filter(category=Category.QUESTION)
        .values("institution_id", "institution__name", "module__code")
        .annotate(count=Count("pk"))
        .filter(count__gte=settings.HYPERCARE_ADOPTION_QUESTIONS)
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
    de-escalated stayed open, computed by the database."""
    escalated = Escalation.objects.filter(ticket__in=opened.values("pk"))
    de_escalated = escalated.filter(de_escalated_at__isnull=False)
    count, median, _ = minutes_percentiles(de_escalated, "de_escalated_at", since="requested_at")
    return Escalations(count=escalated.count(), de_escalated=count, median_minutes=median)


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

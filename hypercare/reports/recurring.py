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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, F, Q, QuerySet, Value

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
from hypercare.orgs.models import Institution, Module
from hypercare.problems.models import Problem, ProblemLink
from hypercare.reports import titlecounts
from hypercare.reports.models import TitleCounts, TitleCountsSnapshot
from hypercare.reports.percentiles import minutes_percentiles
from hypercare.reports.selectors import (
    READERS_ONLY,
    Figure,
    ReportFilters,
    Window,
    base_filters,
    filters_q,
    period_counts,
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
# A title group: its module's code, category and title key.
TitleGroup = tuple[str, str, str]
# A row of a count of groups: the ``GroupKey`` columns, then the count.
Row = tuple[Any, ...]


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
        groups=recurring_groups(
            opened,
            titlecounts.bounding_snapshot(span.start),
            titlecounts.readable_counts(user, filters),
        ),
        training_gaps=training_gaps(opened),
        blockers=adoption_blockers(user, filters, tickets, span, base),
        access_changes=access_changes(institutions, span),
        escalations=escalations(opened),
        satisfaction=satisfaction(tickets, span),
        deflections=deflections(institutions, filters, span, everyone=access.can_manage_desk(user)),
    )


def recurring_groups(
    opened: QuerySet[Ticket],
    snapshot: TitleCountsSnapshot | None = None,
    counts: QuerySet[TitleCounts] | None = None,
) -> list[Group]:
    """The ``RECURRING_TOP`` largest groups of two tickets or more among ``opened``,
    largest first. A ticket joins one group: its problem's, else its article's, else its
    duplicates', else its title's (module, category and title key alike). The database
    counts the groups, then reads the largest groups' details alone. Given a
    ``snapshot`` of title groups counted ahead and the reader's ``counts`` of it (the
    rows they may add up, narrowed as ``opened`` is), only the largest title groups'
    tickets are counted (``reports.titlecounts``)."""
    tied = _linked(_tied(opened))
    if snapshot is None or counts is None:
        counted = _count_every_group(opened, tied)
    else:
        counted = _count_largest_groups(opened, tied, snapshot, counts)
    groups = {_key(row): Group(kind=row[0], label="", count=int(row[5])) for row in counted}
    if groups:
        _describe(groups, opened)
    # Groups of one title key differ by module or category alone.
    return sorted(
        groups.values(),
        key=lambda group: (-group.count, group.label, group.module, group.category),
    )


def _count_every_group(opened: QuerySet[Ticket], tied: tuple[str, list[Any]]) -> list[Row]:
    """The largest groups (``GroupKey`` and count), from every ticket of ``opened``."""
    # Most tickets are tied to nothing: every ticket is counted under its title key
    # first, from the report's index alone, and the few tied ones (found from the links'
    # side) are taken back out of their title's count and counted under their tie.
    # Joining every ticket of the period to its links instead took twice as long. The
    # title key leads the grouping so that, over a long period, PostgreSQL can read the
    # tickets in key order from ticket_title_key and sort each key's few alone, rather
    # than sort the whole period (past work_mem, on disk).
    return _fetch(
        f"SELECT {_group_of('c')}, SUM(c.n) FROM ("  # noqa: S608
        "SELECT CAST(NULL AS BIGINT) AS problem_id, CAST(NULL AS BIGINT) AS article_id, "
        "CAST(NULL AS BIGINT) AS root, module_code, "
        "category, title_key, COUNT(*) AS n FROM ({}) AS t "
        "GROUP BY title_key, category, module_code "
        f"UNION ALL {_TIED_COUNTS}"
        ") AS c GROUP BY 1, 2, 3, 4, 5 "
        "HAVING SUM(c.n) > 1 ORDER BY SUM(c.n) DESC, 1, 2, 5 LIMIT %s",
        opened,
        [_sql(_rows(opened)), tied, tied],
        [RECURRING_TOP],
    )


# The tied tickets' part of a count of groups (two ``{}``: ``_linked`` rows): taken out
# of their titles' groups, counted under their ties.
_TIED_COUNTS = (
    "SELECT CAST(NULL AS BIGINT) AS problem_id, CAST(NULL AS BIGINT) AS article_id, "  # noqa: S608 (constants)
    "CAST(NULL AS BIGINT) AS root, module_code, category, title_key, -COUNT(*) AS n "
    "FROM ({}) AS l GROUP BY module_code, category, title_key "
    f"UNION ALL SELECT {_TIES}, COUNT(*) FROM ({{}}) AS l GROUP BY {_TIES}"
)


def _count_largest_groups(
    opened: QuerySet[Ticket],
    tied: tuple[str, list[Any]],
    snapshot: TitleCountsSnapshot,
    counts: QuerySet[TitleCounts],
) -> list[Row]:
    """The largest groups, as ``_count_every_group`` finds them, from the tied tickets
    and the largest title groups' tickets alone: title groups are read in the order of
    their bounds (``_title_bounds``), a batch at a time, each counted exactly, until the
    next bound is below the ``RECURRING_TOP``-th largest count found."""
    found: dict[GroupKey, int] = {}
    taken_out: Counter[TitleGroup] = Counter()
    for row in _fetch(
        f"SELECT {_group_of('c')}, SUM(c.n) FROM ({_TIED_COUNTS}) AS c "  # noqa: S608
        "GROUP BY 1, 2, 3, 4, 5",
        opened,
        [tied, tied],
        [],
    ):
        if row[0] == "title":
            taken_out[(row[2], row[3], row[4])] += int(row[5])
        else:
            found[_key(row)] = int(row[5])
    bounds = _title_bounds(opened, snapshot, counts)
    counted_keys: set[str] = set()
    batch = RECURRING_TOP
    while bounds and bounds[0][1] >= _smallest_kept(found):
        keys = {key for (_, _, key), _ in bounds[:batch]}
        # Every group of each key is counted: reading a key's index entries costs the
        # same, and the groups of other modules and categories then need no reading.
        for title, count in _title_counts(opened, keys).items():
            found[("title", None, *title)] = count + taken_out[title]
        counted_keys |= keys
        bounds = [bound for bound in bounds[batch:] if bound[0][2] not in counted_keys]
        batch *= 2
    largest = sorted(((key, count) for key, count in found.items() if count > 1), key=_rank)[
        :RECURRING_TOP
    ]
    return [(*key, count) for key, count in largest]


def _smallest_kept(found: dict[GroupKey, int]) -> int:
    """The count a group needs to be kept: the ``RECURRING_TOP``-th largest found so far
    (a group with as many may still come first), and at least two."""
    counts = sorted((count for count in found.values() if count > 1), reverse=True)
    return counts[RECURRING_TOP - 1] if len(counts) >= RECURRING_TOP else 2


def _rank(item: tuple[GroupKey, int]) -> tuple[Any, ...]:
    """The order ``_count_every_group`` keeps the largest groups in."""
    (kind, target, module, category, key), count = item
    return (-count, kind, target or 0, key or "", module or "", category or "")


def _title_bounds(
    opened: QuerySet[Ticket], snapshot: TitleCountsSnapshot, counts: QuerySet[TitleCounts]
) -> list[tuple[TitleGroup, int]]:
    """Every title group with a bound of two tickets or more, largest bound first: its
    counts at ``snapshot`` that the reader may add up, plus its tickets of ``opened``
    opened or changed since (``titlecounts.changed_since``)."""
    counted, counted_params = _sql(
        counts.order_by()
        .annotate(code=F("module_code"), in_group=F("count"))
        .values_list("code", "category", "title_key", "in_group")
    )
    changed, changed_params = _sql(
        opened.filter(titlecounts.changed_since(snapshot))
        .order_by()
        .annotate(code=F("module__code"), in_group=Value(1))
        .values_list("code", "category", "title_key", "in_group")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT b.code, b.category, b.title_key, SUM(b.in_group) FROM "  # noqa: S608 (constants)
            f"({counted} UNION ALL {changed}) AS b GROUP BY b.code, b.category, b.title_key "
            "HAVING SUM(b.in_group) > 1 ORDER BY SUM(b.in_group) DESC",
            [*counted_params, *changed_params],
        )
        return [((code, category, key), int(bound)) for code, category, key, bound in cursor]


def _title_counts(opened: QuerySet[Ticket], keys: set[str]) -> dict[TitleGroup, int]:
    """The tickets of ``opened`` per title group, of the groups with ``keys``."""
    rows = (
        opened.filter(title_key__in=keys)
        .order_by()
        .values_list("module__code", "category", "title_key")
        .annotate(count=Count("pk"))
    )
    return {(code, category, key): count for code, category, key, count in rows}


def _of_titles(opened: QuerySet[Ticket], titles: Iterable[TitleGroup]) -> QuerySet[Ticket]:
    """The tickets of ``opened`` in the title groups ``titles``: each module's code taken
    as its institutions' modules, so that every condition is on ticket_title_key's
    columns and the tickets are read from that index alone."""
    titles = list(titles)
    modules: dict[str, list[int]] = {}
    codes = {module for module, _, _ in titles}
    for pk, code in Module.objects.filter(code__in=codes).order_by().values_list("pk", "code"):
        modules.setdefault(code, []).append(pk)
    same = Q()
    for module, category, key in titles:
        same |= Q(module_id__in=modules.get(module, ()), category=category, title_key=key)
    return opened.filter(same, title_key__in={key for _, _, key in titles})


def _key(row: Sequence[Any]) -> GroupKey:
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
        parts.append(_of_titles(opened, kinds["title"]))
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
    # One statement reads the members once (into a copy both halves read): the
    # tickets' groups and details counted, then each member's group. It goes on
    # the ``WITH RECURSIVE`` that ``_fetch`` opens, hence the leading comma.
    group = "kind, target, group_module, group_category, group_key"
    rows = _fetch(
        f", members AS MATERIALIZED (SELECT {_group_of('l')}, l.id, l.module_code, "  # noqa: S608
        "l.category, l.institution_id, "
        "CASE WHEN l.article_id IS NULL THEN 0 ELSE 1 END AS answered FROM ({}) AS l) "
        f"SELECT 'count', {group}, module_code, category, institution_id, MAX(answered), "
        f"COUNT(*), NULL FROM members GROUP BY {group}, module_code, category, institution_id "
        f"UNION ALL SELECT 'member', {group}, NULL, NULL, NULL, NULL, NULL, id FROM members",
        opened,
        [_linked(_members(groups, opened))],
        [],
    )
    for part, *row in rows:
        if (described := groups.get(_key(row))) is None:
            continue
        module, category, institution, answered, count, ticket = row[5:]
        if part == "member":
            described.tickets.append(ticket)
            continue
        described.modules[module] += int(count)
        described.categories[category] += int(count)
        described.institutions.add(institution)
        described.has_problem = described.kind == "problem"
        described.has_article |= bool(answered)
    for described in groups.values():
        # Ranked here: the database ranks a window over the groups' text columns in
        # their collation, several times slower than sorting the numbers here.
        described.tickets = sorted(described.tickets, reverse=True)[:GROUP_TICKETS_MAX]
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


def adoption_blockers(
    user: User,
    filters: ReportFilters,
    tickets: QuerySet[Ticket],
    span: Window,
    base: TicketFilters,
) -> list[Blocker]:
    """Modules an institution keeps asking "how do I" about: ``HYPERCARE_ADOPTION_QUESTIONS``
    or more questions opened in the period, added up from the days counted ahead
    (``period_counts``) like the dashboards' figures. (Institutions live on a module whose
    users open no ticket are not told: Hypercare does not know who signs in to the ERP.)"""
    counted = period_counts(user, filters, tickets, span, ("institution module",))
    questions = [
        (int(institution), code, columns[f"category_{Category.QUESTION}"])
        for key, columns in counted["institution module"].items()
        if key is not None
        for institution, code in [key.split(" ")]
    ]
    asked = [row for row in questions if row[2] >= settings.HYPERCARE_ADOPTION_QUESTIONS]
    readable = Institution.objects.filter(access.report_institution_scope(user))
    names = dict(readable.values_list("pk", "name"))
    asked.sort(key=lambda row: (-row[2], names[row[0]], row[1]))
    return [
        Blocker(
            institution=names[institution],
            module=str(ModuleCode(code).label),
            questions=Figure(
                "Questions",
                count,
                replace(
                    base,
                    institution=institution,
                    module=(code,),
                    category=(Category.QUESTION,),
                ),
            ),
        )
        for institution, code, count in asked
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

"""Title groups counted ahead, so that the recurring issues report over a long period
reads its largest groups' tickets rather than every ticket of the period.

A period's title groups cannot be added up from counts per day or week: most titles
occur once a week, so such rows are about as many as the tickets (a million tickets
made 819 000 week rows). Over the whole window of ``TITLE_COUNTS_WEEKS`` they are about
a tenth as many. Those counts are not a period's figures, but they bound them: a
group's tickets opened in any period inside the window are at most its count at the
snapshot plus the tickets opened or changed since (a change may have moved a ticket into
the group). The report reads the groups in the order of their bounds and counts each
one's tickets exactly, until no bound left can beat the smallest group it keeps
(the threshold algorithm: exact figures, from a few groups' tickets).

The ``title_counts`` job counts the window again every ``TITLE_COUNTS_EVERY``.
"""

from datetime import datetime, timedelta

from django.db import connection
from django.db.models import F, Q, QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.reports.daycounts import CHANGE_MARGIN
from hypercare.reports.models import TitleCounts, TitleCountsSnapshot
from hypercare.reports.selectors import ReportFilters
from hypercare.tickets.models import Ticket

# The window counted ahead: the longest period (52 weeks from a Monday) fits in it.
TITLE_COUNTS_WEEKS = 54
# How often the window is counted again. Between counts the report reads the tickets
# changed since the last one besides the counts: more of them the longer it waits.
TITLE_COUNTS_EVERY = timedelta(hours=1)
# A period shorter than this share of the window is counted from its tickets: its
# groups' bounds, mostly made of older tickets, would rank them badly.
SHORTEST_SHARE = 0.5

_DETAIL = ("institution_id", "team_id", "module_code", "category", "title_key")
_GROUP = ("module_code", "category", "title_key")


def count_titles() -> dict[str, int]:
    """The ``title_counts`` job: count the window's title groups again once the last
    count is ``TITLE_COUNTS_EVERY`` old. Returns how many rows were counted."""
    now = clock.now()
    with use_case():
        snapshot = TitleCountsSnapshot.objects.select_for_update().first()
        if snapshot is not None and snapshot.counted_at > now - TITLE_COUNTS_EVERY:
            return {"rows": 0}
        since = now - timedelta(weeks=TITLE_COUNTS_WEEKS)
        TitleCounts.objects.all().delete()
        tickets, params = (
            Ticket.objects.filter(created_at__gte=since)
            .order_by()
            .annotate(module_code=F("module__code"))
            .values_list(*_DETAIL)
            .query.sql_with_params()
        )
        table = TitleCounts._meta.db_table
        detail, group = ", ".join(_DETAIL), ", ".join(_GROUP)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (overall, {detail}, count) "  # noqa: S608 (constants)
                f"SELECT %s, {detail}, COUNT(*) FROM ({tickets}) AS t GROUP BY {detail}",
                [False, *params],
            )
            rows = cursor.rowcount
            cursor.execute(
                f"INSERT INTO {table} (overall, {group}, count) "  # noqa: S608 (constants)
                f"SELECT %s, {group}, SUM(count) FROM {table} GROUP BY {group}",
                [True],
            )
            rows += cursor.rowcount
        if snapshot is None:
            TitleCountsSnapshot.objects.create(counted_at=now, since=since)
        else:
            snapshot.counted_at, snapshot.since = now, since
            snapshot.save(update_fields=["counted_at", "since"])
    return {"rows": rows}


def readable_counts(user: User, filters: ReportFilters) -> QuerySet[TitleCounts]:
    """The rows ``user`` may add up, narrowed as ``filters`` narrow the tickets: the
    overall ones for a reader of every institution narrowed to neither an institution
    nor a team, else the institutions' own (``access.report_counts_scope``)."""
    overall = access.can_manage_desk(user) and filters.institution is None and filters.team is None
    q = Q(overall=overall)
    if filters.institution is not None:
        q &= Q(institution_id=filters.institution)
    if filters.team is not None:
        q &= Q(team_id=filters.team)
    if filters.module:
        q &= Q(module_code=filters.module)
    if filters.category:
        q &= Q(category=filters.category)
    return TitleCounts.objects.filter(access.report_counts_scope(user), q)


def bounding_snapshot(start: datetime) -> TitleCountsSnapshot | None:
    """The snapshot whose counts bound the title groups of a period from ``start`` to
    now, unless the period falls outside its window or is too short to be worth it."""
    snapshot = TitleCountsSnapshot.objects.first()
    if snapshot is None or start < snapshot.since:
        return None
    if (clock.now() - start) < (snapshot.counted_at - snapshot.since) * SHORTEST_SHARE:
        return None
    return snapshot


def changed_since(snapshot: TitleCountsSnapshot) -> Q:
    """The tickets the snapshot may not have counted in their present group: opened or
    changed since it was taken (a use case stamps its ticket when it starts and commits
    later, hence the margin)."""
    cut = snapshot.counted_at - CHANGE_MARGIN
    return Q(created_at__gte=cut) | Q(updated_at__gte=cut)

"""Read queries for saved views: the tabs a person has, their counts and their tickets."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from hypercare import access
from hypercare.accounts.models import User
from hypercare.accounts.selectors import support_agents
from hypercare.errors import NotFound
from hypercare.orgs.models import Team
from hypercare.orgs.selectors import teams
from hypercare.tickets.choices import QueueColumn
from hypercare.tickets.models import SavedView, Ticket
from hypercare.tickets.queue_filters import queue_filter_form
from hypercare.tickets.selectors import QUEUES, TicketFilters, queue, queue_q, visible_tickets

# What a view narrows when its query names no queue: every ticket its reader may see.
ALL_QUEUE = "all"


def usable_saved_views(user: User) -> QuerySet[SavedView]:
    """``user``'s tabs, in their order: their personal views and their teams' views."""
    return SavedView.objects.filter(access.saved_view_scope(user)).select_related("team")


def get_usable_saved_view(user: User, pk: int) -> SavedView:
    """The view, or NotFound when it is someone else's or another team's."""
    view = usable_saved_views(user).filter(pk=pk).first()
    if view is None:
        raise NotFound("No such saved view.")
    return view


def shareable_teams(user: User) -> QuerySet[Team]:
    """The teams ``user`` may share a view with: those they belong to or lead."""
    return teams().filter(access.own_teams(user)).distinct().order_by("name")


@dataclass(frozen=True)
class ViewQuery:
    """A saved view's stored query read back: the queue it narrows and its filters."""

    queue: str
    filters: TicketFilters


def view_query(user: User, view: SavedView, agents: QuerySet[User] | None = None) -> ViewQuery:
    """The view's query as the queue page reads it. A filter that no longer parses (a
    team since removed) is left out, as the queue page leaves it out of an old link."""
    data = QueryDict(view.query)
    form = queue_filter_form(user, data, agents)
    form.is_valid()
    name = data.get("queue", ALL_QUEUE)
    return ViewQuery(name if name in QUEUES else ALL_QUEUE, form.filters())


def view_tickets(user: User, view: SavedView) -> QuerySet[Ticket]:
    """The tickets the view shows ``user``, in its sort."""
    read = view_query(user, view)
    return queue(user, read.queue, read.filters, view.sort)


def saved_view_counts(user: User, views: list[SavedView]) -> dict[int, int]:
    """How many tickets each of ``views`` shows ``user``, in one query: each view's
    filter is one conditional count over the tickets any of them shows."""
    if not views:
        return {}
    agents = support_agents()
    wanted = {view.pk: _view_q(user, view, agents) for view in views}
    shown = Q(pk__in=[])
    for q in wanted.values():
        shown |= q
    counts = (
        visible_tickets(user)
        .filter(shown)
        .aggregate(**{f"view_{pk}": Count("pk", filter=q) for pk, q in wanted.items()})
    )
    return {pk: int(counts[f"view_{pk}"]) for pk in wanted}


def _view_q(user: User, view: SavedView, agents: QuerySet[User]) -> Q:
    read = view_query(user, view, agents)
    return queue_q(user, read.queue, read.filters)


def view_columns(view: SavedView | None) -> list[tuple[str, str]]:
    """The columns a queue shows, in order, by key and label: the view's, or every one."""
    keys = view.columns if view is not None else QueueColumn.values
    return [(key, QueueColumn(key).label) for key in keys]

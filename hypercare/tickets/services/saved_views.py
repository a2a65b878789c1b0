"""Keeping saved views: a person's own queues, and those shared with their teams."""

from collections.abc import Sequence

from django.db.models import Max
from django.http import QueryDict

from hypercare import access
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.models import Team
from hypercare.tickets.choices import QueueColumn
from hypercare.tickets.models import SavedView
from hypercare.tickets.queue_filters import queue_filter_form
from hypercare.tickets.saved_views import usable_saved_views
from hypercare.tickets.selectors import QUEUES, SORTS
from hypercare.tickets.services.common import require

MAX_NAME = 60
MAX_QUERY = 2000
REFUSED = "Only its owner changes a personal view; a team's view, the team's members and lead."
NOT_YOUR_TEAM = "A view is shared only with a team you belong to or lead."
# The queue page's parameters that a view does not keep in its query: the page shown, the
# view itself, and the sort, which it keeps on its own.
PAGE_PARAMETERS = ("page", "view", "sort")


def create_saved_view(
    *,
    actor: User,
    name: str,
    query: str,
    sort: str,
    columns: Sequence[str],
    team: Team | None,
) -> SavedView:
    """A new tab after ``actor``'s others: personal, or shared with ``team``."""
    require(access.is_agent(actor), "Only support staff keep queues.")
    if team is not None:
        require(access.can_share_view_with(actor, team), NOT_YOUR_TEAM)
    clean_name, clean_query, clean_columns = _checked(actor, name, query, sort, columns)
    at = clock.now()
    with use_case():
        last = usable_saved_views(actor).aggregate(last=Max("position"))["last"]
        return SavedView.objects.create(
            owner=actor,
            team=team,
            name=clean_name,
            query=clean_query,
            sort=sort,
            columns=clean_columns,
            position=0 if last is None else last + 1,
            created_at=at,
            updated_at=at,
        )


def update_saved_view(
    *,
    actor: User,
    view: SavedView,
    name: str,
    query: str,
    sort: str,
    columns: Sequence[str],
    team: Team | None,
) -> SavedView:
    """Rename, refilter, re-sort, pick columns, share or unshare in one change. A team's
    view made personal again becomes the personal view of whoever unshared it."""
    require(access.can_change_saved_view(actor, view), REFUSED)
    if team is not None and team.pk != view.team_id:
        require(access.can_share_view_with(actor, team), NOT_YOUR_TEAM)
    clean_name, clean_query, clean_columns = _checked(actor, name, query, sort, columns)
    with use_case():
        if team is None and view.team_id is not None:
            view.owner = actor
        view.team = team
        view.name = clean_name
        view.query = clean_query
        view.sort = sort
        view.columns = clean_columns
        view.updated_at = clock.now()
        view.save()
    return view


def delete_saved_view(*, actor: User, view: SavedView) -> None:
    """A view is a way of looking, not a record: removing it leaves no trace on tickets."""
    require(access.can_change_saved_view(actor, view), REFUSED)
    with use_case():
        view.delete()


def move_saved_view(*, actor: User, view: SavedView, offset: int) -> SavedView:
    """Move the tab ``offset`` places among ``actor``'s tabs (-1 left, 1 right); the tabs
    are numbered afresh in their new order, so ties left by other people's views go."""
    require(access.can_change_saved_view(actor, view), REFUSED)
    with use_case():
        tabs = list(usable_saved_views(actor).select_for_update(of=("self",)))
        index = next(i for i, tab in enumerate(tabs) if tab.pk == view.pk)
        target = min(max(index + offset, 0), len(tabs) - 1)
        tabs.insert(target, tabs.pop(index))
        for position, tab in enumerate(tabs):
            tab.position = position
        SavedView.objects.bulk_update(tabs, ["position"])
    view.position = target
    return view


def _checked(
    actor: User, name: str, query: str, sort: str, columns: Sequence[str]
) -> tuple[str, str, list[str]]:
    """The name, the query as the queue page reads it (every filter parsed by the queue's
    own form; a bad one is named) and the columns, each once and the ticket's among them."""
    errors = FieldErrors()
    clean_name = errors.line("name", name, MAX_NAME)
    clean_query = _filters_only(query)
    if len(clean_query) > MAX_QUERY:
        errors.add("query", f"must be at most {MAX_QUERY} characters")
    data = QueryDict(clean_query)
    if data.get("queue", "all") not in QUEUES:
        errors.add("query", "queue: Choose one of " + ", ".join(QUEUES))
    form = queue_filter_form(actor, data)
    for field, problems in form.errors.items():
        errors.add("query", f"{field}: {' '.join(str(problem) for problem in problems)}")
    errors.choice("sort", sort, SORTS)
    unknown = [key for key in columns if key not in QueueColumn.values]
    if not columns:
        errors.add("columns", "must not be empty")
    elif unknown:
        errors.add("columns", f"no such column: {', '.join(unknown)}")
    elif len(set(columns)) != len(columns):
        errors.add("columns", "name each column once")
    elif QueueColumn.TICKET not in columns:
        errors.add("columns", "must include the ticket, which opens it")
    errors.check()
    return clean_name, clean_query, list(columns)


def _filters_only(query: str) -> str:
    """The query less the page's own parameters and empty ones, in a stable form."""
    data = QueryDict(query.strip().lstrip("?"), mutable=True)
    for name in PAGE_PARAMETERS:
        data.pop(name, None)
    for name in [key for key, values in data.lists() if not any(values)]:
        data.pop(name)
    return data.urlencode()

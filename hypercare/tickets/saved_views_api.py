"""Saved view endpoints: a person's queues kept under a name, and the tickets each shows."""

from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from hypercare.accounts.models import User
from hypercare.api.common import DbId, Page, PageQuery, actor, errors, paginate
from hypercare.errors import ValidationFailed
from hypercare.lib.text import single_line
from hypercare.orgs.models import Team
from hypercare.tickets import selectors
from hypercare.tickets.choices import QueueColumn
from hypercare.tickets.models import SavedView
from hypercare.tickets.saved_views import (
    get_usable_saved_view,
    saved_view_counts,
    usable_saved_views,
    view_tickets,
)
from hypercare.tickets.schemas import TicketSummaryOut
from hypercare.tickets.services import saved_views as services

router = Router(tags=["saved views"])

NO_VIEW = "No such saved view, or it is another person's or another team's."
CHANGE_REFUSED = (
    "A personal view is changed by its owner only, a team's view by the team's members and "
    "lead; a view is shared only with a team you belong to or lead."
)
STAFF_ONLY = "Only support staff keep queues."


class SavedViewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, single_line(max_length=services.MAX_NAME)]
    query: Annotated[str, single_line(max_length=services.MAX_QUERY)] = Field(
        "",
        description="The queue's filters as the desk's queue address carries them, e.g. "
        "`queue=team&priority=high&sla=breached`.",
    )
    sort: Annotated[str, single_line(max_length=20)] = selectors.DEFAULT_SORT
    columns: list[Annotated[str, single_line(max_length=20)]] = Field(
        default_factory=lambda: list(QueueColumn.values),
        max_length=len(QueueColumn.values),
        description="The columns shown, in order: " + ", ".join(QueueColumn.values) + ".",
    )
    team_id: DbId | None = Field(None, description="The team it is shared with; none: yours.")


class SavedViewOut(Schema):
    id: int
    name: str
    query: str
    sort: str
    columns: list[str]
    team_id: int | None
    owner_id: int
    position: int
    count: int = Field(description="How many tickets it shows now.")


def _out(user: User, views: list[SavedView]) -> list[SavedViewOut]:
    counts = saved_view_counts(user, views)
    return [
        SavedViewOut(
            id=view.pk,
            name=view.name,
            query=view.query,
            sort=view.sort,
            columns=view.columns,
            team_id=view.team_id,
            owner_id=view.owner_id,
            position=view.position,
            count=counts[view.pk],
        )
        for view in views
    ]


def _team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValidationFailed({"team_id": "no such team"})
    return team


@router.get("/views", response={200: list[SavedViewOut], **errors(401)})
def list_views(request: HttpRequest) -> list[SavedViewOut]:
    """Your tabs, in order: your personal views and your teams' views, each with its count."""
    user = actor(request)
    return _out(user, list(usable_saved_views(user)))


@router.post("/views", response={201: SavedViewOut, **errors(401, 422, forbidden=CHANGE_REFUSED)})
def create_view(request: HttpRequest, payload: SavedViewIn) -> Status[SavedViewOut]:
    user = actor(request)
    view = services.create_saved_view(
        actor=user, **payload.model_dump(exclude={"team_id"}), team=_team(payload.team_id)
    )
    return Status(201, _out(user, [view])[0])


@router.get("/views/{view_id}", response={200: SavedViewOut, **errors(401, 422, not_found=NO_VIEW)})
def get_view(request: HttpRequest, view_id: DbId) -> SavedViewOut:
    user = actor(request)
    return _out(user, [get_usable_saved_view(user, view_id)])[0]


@router.put(
    "/views/{view_id}",
    response={
        200: SavedViewOut,
        **errors(401, 422, not_found=NO_VIEW, forbidden=CHANGE_REFUSED),
    },
)
def update_view(request: HttpRequest, view_id: DbId, payload: SavedViewIn) -> SavedViewOut:
    """Rename, refilter, re-sort, pick columns, share (``team_id``) or unshare (null)."""
    user = actor(request)
    view = services.update_saved_view(
        actor=user,
        view=get_usable_saved_view(user, view_id),
        **payload.model_dump(exclude={"team_id"}),
        team=_team(payload.team_id),
    )
    return _out(user, [view])[0]


@router.delete(
    "/views/{view_id}",
    response={204: None, **errors(401, 422, not_found=NO_VIEW, forbidden=CHANGE_REFUSED)},
)
def delete_view(request: HttpRequest, view_id: DbId) -> Status[None]:
    user = actor(request)
    services.delete_saved_view(actor=user, view=get_usable_saved_view(user, view_id))
    return Status(204, None)


@router.get(
    "/views/{view_id}/tickets",
    response={200: Page[TicketSummaryOut], **errors(401, 422, not_found=NO_VIEW)},
)
def list_view_tickets(
    request: HttpRequest, view_id: DbId, paging: Query[PageQuery]
) -> dict[str, object]:
    """The tickets the view shows you, in its sort, as the queue page shows them."""
    user = actor(request)
    tickets = view_tickets(user, get_usable_saved_view(user, view_id))
    return paginate(tickets, paging, selectors.ticket_page)

"""Watcher and mention endpoints of a ticket: thin adapters over the watcher services
(``services.watchers``) and selectors (``watching``)."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from hypercare import access
from hypercare.accounts.models import User
from hypercare.accounts.schemas import UserRef
from hypercare.api.common import DbId, actor, errors, refuse_unknown_query
from hypercare.errors import NotAllowed, NotFound, ValidationFailed
from hypercare.lib.text import single_line
from hypercare.tickets import selectors, watching
from hypercare.tickets.models import Participant, Ticket
from hypercare.tickets.services import watchers

router = Router(tags=["tickets"])

NO_TICKET = "No such ticket, or you may not see it."
NO_WATCHER = "No such ticket, or the person is not one of its watchers that you may see."
REMOVE_REFUSED = (
    "Only support staff, the watcher themselves and the ticket's requester side (never "
    "for a support agent) remove a watcher."
)
STAFF_ONLY = "Only support staff write internal notes, so only they look up whom to mention."


class WatcherOut(Schema):
    user: UserRef
    is_support_staff: bool = Field(description="Support staff watching also get internal notes.")
    added_by: UserRef | None = Field(description="Empty when the desk itself added them.")
    added_at: datetime

    @staticmethod
    def resolve_is_support_staff(participant: Participant) -> bool:
        return participant.user.is_support_staff


class WatcherIn(Schema):
    model_config = ConfigDict(extra="forbid")
    user_id: DbId = Field(
        description="An active person of the ticket's institution; support staff may also "
        "add support staff."
    )


class MentionQuery(Schema):
    q: Annotated[str, single_line(max_length=watching.MENTION_QUERY_MAX)] = Field(
        "", description="The start of a username, first or last name; an @ before it is fine."
    )


def _ticket(request: HttpRequest, ticket_ref: str) -> Ticket:
    return selectors.get_visible_ticket_by_ref(actor(request), ticket_ref)


@router.get(
    "/tickets/{ticket_ref}/watchers",
    response={200: list[WatcherOut], **errors(401, not_found=NO_TICKET)},
)
def list_watchers(request: HttpRequest, ticket_ref: str) -> list[Participant]:
    """Institution users see their colleagues watching; support staff see every watcher."""
    return list(watching.ticket_watchers(actor(request), _ticket(request, ticket_ref)))


@router.post(
    "/tickets/{ticket_ref}/watchers",
    response={
        201: WatcherOut,
        **errors(401, 422, not_found=NO_TICKET, forbidden=watchers.CHANGE_REFUSED),
    },
)
def add_watcher(request: HttpRequest, ticket_ref: str, payload: WatcherIn) -> Status[Participant]:
    """Adding someone already watching answers their watcher row again."""
    user = actor(request)
    ticket = _ticket(request, ticket_ref)
    person = User.objects.filter(pk=payload.user_id).first()
    if person is None:
        raise ValidationFailed({"user": watchers.not_a_candidate(user)})
    participant = watchers.add_watcher(ticket=ticket, actor=user, watcher=person)
    return Status(201, watching.ticket_watchers(user, ticket).get(pk=participant.pk))


@router.delete(
    "/tickets/{ticket_ref}/watchers/{user_id}",
    response={204: None, **errors(401, 422, not_found=NO_WATCHER, forbidden=REMOVE_REFUSED)},
)
def remove_watcher(request: HttpRequest, ticket_ref: str, user_id: DbId) -> Status[None]:
    user = actor(request)
    ticket = _ticket(request, ticket_ref)
    person = watching.watcher_by_id(user, ticket, user_id)
    if person is None:
        raise NotFound(NO_WATCHER)
    watchers.remove_watcher(ticket=ticket, actor=user, watcher=person)
    return Status(204, None)


@router.get(
    "/tickets/{ticket_ref}/mentionable",
    response={200: list[UserRef], **errors(401, 422, not_found=NO_TICKET, forbidden=STAFF_ONLY)},
)
def list_mentionable(
    request: HttpRequest, ticket_ref: str, query: Query[MentionQuery]
) -> list[User]:
    """The support staff an internal note on the ticket may mention as ``@username``,
    those whose username or name starts with ``q``; at most a handful."""
    refuse_unknown_query(request, MentionQuery.model_fields)
    user = actor(request)
    ticket = _ticket(request, ticket_ref)
    if not access.can_add_internal_note(user):
        raise NotAllowed(STAFF_ONLY)
    return watching.mentionable(user, ticket, query.q)

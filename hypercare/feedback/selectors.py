"""Reads of product feedback, scoped by the access policy: ideas for everyone, ranked by
votes; who voted and which tickets ask for an idea for support staff alone."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.feedback.models import Idea, IdeaTicket, IdeaVote
from hypercare.tickets.models import Ticket

NO_IDEA = "No such product idea."


@dataclass(frozen=True)
class IdeaFilters:
    text: str = ""
    status: str = ""
    module_code: str = ""


def idea_list(user: User, filters: IdeaFilters = IdeaFilters()) -> QuerySet[Idea]:
    """The ideas ``user`` may see, most votes first, each with ``vote_count`` and, for an
    institution's people, ``voted`` (whether their institution voted)."""
    ideas = Idea.objects.filter(access.idea_scope(user)).select_related("release")
    if filters.text:
        ideas = ideas.filter(
            Q(title__icontains=filters.text) | Q(description__icontains=filters.text)
        )
    if filters.status:
        ideas = ideas.filter(status=filters.status)
    if filters.module_code:
        ideas = ideas.filter(module_code=filters.module_code)
    ours = IdeaVote.objects.filter(idea=OuterRef("pk"), institution_id=user.institution_id or 0)
    return ideas.annotate(vote_count=Count("votes", distinct=True), voted=Exists(ours)).order_by(
        "-vote_count", "-created_at", "-pk"
    )


def get_visible_idea(user: User, pk: int) -> Idea:
    idea = idea_list(user).filter(pk=pk).first()
    if idea is None:
        raise NotFound(NO_IDEA)
    return idea


def idea_votes(user: User, idea: Idea) -> QuerySet[IdeaVote]:
    """Which institutions voted: support staff only; nobody else reads another's vote."""
    if not access.can_record_ideas(user):
        return IdeaVote.objects.none()
    return idea.votes.select_related("institution", "voted_by")


def idea_tickets(user: User, idea: Idea) -> QuerySet[Ticket]:
    """The tickets asking for the idea that ``user`` may see."""
    return Ticket.objects.filter(access.ticket_scope(user), idea_link__idea=idea).select_related(
        "institution", "requester"
    )


def idea_of_ticket(ticket: Ticket) -> Idea | None:
    """The idea an enhancement ticket was recorded as; the caller may see the ticket."""
    link = IdeaTicket.objects.select_related("idea__release").filter(ticket_id=ticket.pk).first()
    return link.idea if link else None

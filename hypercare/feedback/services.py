"""Write use cases of product feedback: record ideas, link enhancement tickets, vote,
decide, merge duplicates. Each is one transaction."""

from datetime import datetime

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, ValidationFailed
from hypercare.feedback import events
from hypercare.feedback.choices import IdeaStatus
from hypercare.feedback.models import TITLE_MAX, Idea, IdeaTicket, IdeaVote
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import notify
from hypercare.orgs.choices import ModuleCode
from hypercare.releases.models import Release
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import require

RECORD_REFUSED = "Only support staff record product ideas."
DECIDE_REFUSED = "Only support managers decide on product ideas."
VOTE_REFUSED = "Key users and institution admins vote for their institution."
TEXT_MAX = 10_000


def create_idea(
    *, actor: User, title: str, description: str, module_code: str, ticket: Ticket | None = None
) -> Idea:
    """A new idea, under review; with ``ticket`` (an enhancement ticket), that ticket is
    its first and its institution its first vote."""
    require(access.can_record_ideas(actor), RECORD_REFUSED)
    errors = FieldErrors()
    checked_title = errors.line("title", title, TITLE_MAX)
    checked_description = errors.text("description", description, TEXT_MAX)
    errors.choice("module_code", module_code, ModuleCode.values)
    if ticket is not None:
        _check_linkable(errors, ticket)
    errors.check()
    with use_case():
        at = clock.now()
        idea = Idea.objects.create(
            title=checked_title,
            description=checked_description,
            module_code=module_code,
            created_by=actor,
            created_at=at,
            updated_at=at,
        )
        if ticket is not None:
            _link(idea, ticket, actor, at)
    return idea


def edit_idea(*, idea: Idea, actor: User, title: str, description: str, module_code: str) -> Idea:
    require(access.can_record_ideas(actor), RECORD_REFUSED)
    errors = FieldErrors()
    checked_title = errors.line("title", title, TITLE_MAX)
    checked_description = errors.text("description", description, TEXT_MAX)
    errors.choice("module_code", module_code, ModuleCode.values)
    errors.check()
    with use_case():
        idea = _lock(idea)
        idea.title, idea.description, idea.module_code = (
            checked_title,
            checked_description,
            module_code,
        )
        idea.updated_at = clock.now()
        idea.save(update_fields=["title", "description", "module_code", "updated_at"])
    return idea


def link_ticket(*, idea: Idea, ticket: Ticket, actor: User) -> IdeaTicket:
    """Record an enhancement ticket as asking for ``idea`` (the deduplication: one idea,
    many tickets); its institution votes for the idea if it had not."""
    require(access.can_record_ideas(actor), RECORD_REFUSED)
    errors = FieldErrors()
    _check_linkable(errors, ticket)
    errors.check()
    with use_case():
        idea = _lock(idea)
        _require_open(idea)
        return _link(idea, ticket, actor, clock.now())


def vote(*, idea: Idea, actor: User) -> IdeaVote:
    """The actor's institution asks for ``idea``; voting again changes nothing."""
    require(access.can_vote_for_ideas(actor), VOTE_REFUSED)
    with use_case():
        idea = _lock(idea)
        _require_open(idea)
        found, _ = IdeaVote.objects.get_or_create(
            idea=idea,
            institution_id=actor.institution_id,
            defaults={"voted_by": actor, "voted_at": clock.now()},
        )
    return found


def withdraw_vote(*, idea: Idea, actor: User) -> None:
    require(access.can_vote_for_ideas(actor), VOTE_REFUSED)
    with use_case():
        IdeaVote.objects.filter(idea=idea, institution=actor.institution).delete()


def change_idea_status(
    *, idea: Idea, actor: User, status: str, release: Release | None = None, reason: str = ""
) -> Idea:
    """Plan the idea for ``release``, decline it with ``reason``, mark it shipped, or put
    it back under review. Each ticket asking for it says so on its timeline and its
    requester is told."""
    require(access.can_decide_ideas(actor), DECIDE_REFUSED)
    errors = FieldErrors()
    errors.choice("status", status, IdeaStatus.values)
    why = errors.text("reason", reason, TEXT_MAX, required=status == IdeaStatus.DECLINED)
    if status in (IdeaStatus.PLANNED, IdeaStatus.SHIPPED) and release is None:
        errors.add("release", "is needed: the release it is planned for or shipped in")
    if release is not None and status == IdeaStatus.PLANNED and release.shipped_at is not None:
        errors.add("release", f"{release.version} has shipped already")
    errors.check()
    with use_case():
        idea = _lock(idea)
        _require_open(idea)
        old = idea.status
        idea.status = status
        idea.release = release if status in (IdeaStatus.PLANNED, IdeaStatus.SHIPPED) else None
        idea.decline_reason = why if status == IdeaStatus.DECLINED else ""
        at = clock.now()
        idea.updated_at = at
        idea.save(update_fields=["status", "release", "decline_reason", "updated_at"])
        said = status_sentence(idea)
        for link in idea.tickets.select_related("ticket__requester"):
            event = events.record_status_changed(link.ticket, idea, actor, at, old, said)
            notify(
                event=NotificationEvent.IDEA_STATUS_CHANGED,
                ticket=link.ticket,
                recipients=[link.ticket.requester],
                cause=f"event:{event.pk}",
                context={"idea": idea, "said": said},
            )
    return idea


def merge_idea(*, duplicate: Idea, survivor: Idea, actor: User) -> Idea:
    """Merge a duplicate idea into ``survivor``: its tickets and votes move (an
    institution that voted for both keeps one vote), and it points to the survivor."""
    require(access.can_record_ideas(actor), RECORD_REFUSED)
    if duplicate.pk == survivor.pk:
        raise ValidationFailed({"survivor": "is this idea: an idea cannot be merged into itself"})
    with use_case():
        duplicate, survivor = _lock(duplicate), _lock(survivor)
        for idea in (duplicate, survivor):
            _require_open(idea)
        at = clock.now()
        for link in duplicate.tickets.select_related("ticket"):
            link.idea = survivor
            link.save(update_fields=["idea"])
            events.record_linked(link.ticket, survivor, actor, at)
        voted = set(survivor.votes.values_list("institution_id", flat=True))
        duplicate.votes.filter(institution_id__in=voted).delete()
        duplicate.votes.update(idea=survivor)
        duplicate.merged_into = survivor
        duplicate.updated_at = survivor.updated_at = at
        duplicate.save(update_fields=["merged_into", "updated_at"])
        survivor.save(update_fields=["updated_at"])
    return survivor


def status_sentence(idea: Idea) -> str:
    """The idea's status as its requesters read it."""
    if idea.status == IdeaStatus.PLANNED and idea.release is not None:
        return f"planned for release {idea.release.version}"
    if idea.status == IdeaStatus.SHIPPED and idea.release is not None:
        return f"shipped in release {idea.release.version}"
    if idea.status == IdeaStatus.DECLINED:
        return f"declined: {idea.decline_reason}"
    return "under review"


def _check_linkable(errors: FieldErrors, ticket: Ticket) -> None:
    if ticket.category != Category.ENHANCEMENT:
        errors.add("ticket", "is not an enhancement request")
    elif IdeaTicket.objects.filter(ticket=ticket).exists():
        errors.add("ticket", "is recorded as a product idea already")


def _link(idea: Idea, ticket: Ticket, actor: User, at: datetime) -> IdeaTicket:
    link = IdeaTicket.objects.create(idea=idea, ticket=ticket, linked_by=actor, linked_at=at)
    IdeaVote.objects.get_or_create(
        idea=idea,
        institution_id=ticket.institution_id,
        defaults={"voted_by": ticket.requester, "voted_at": at},
    )
    events.record_linked(ticket, idea, actor, at)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=at)
    return link


def _lock(idea: Idea) -> Idea:
    return Idea.objects.select_for_update().get(pk=idea.pk)


def _require_open(idea: Idea) -> None:
    if idea.merged_into_id is not None:
        raise InvalidTransition(f"{idea.reference} was merged into another idea.")

"""Read queries about who watches a ticket and whom its internal notes may mention,
scoped by the access policy like every selector."""

from django.db.models import Q, QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.tickets.models import Participant, Ticket

# The autocomplete offers a handful of names; typing more narrows them.
MENTION_SUGGESTIONS = 8
MENTION_QUERY_MAX = 150


def ticket_watchers(user: User, ticket: Ticket) -> QuerySet[Participant]:
    """The watchers of ``ticket`` that ``user`` may see (``access.watcher_scope``), in
    the order they were added."""
    seen = ticket.participants.filter(access.watcher_scope(user, ticket))
    named = seen.select_related("user__institution", "added_by")
    return named.prefetch_related("user__role_grants")


def watcher_by_address(user: User, ticket: Ticket, text: str) -> User | None:
    """The person ``user`` names to add as a watcher of ``ticket``, by username or email
    address, among those they may add (``access.watcher_candidates``); None when no such
    person may be added, whether or not they exist elsewhere."""
    name = text.strip()
    if not name:
        return None
    named = Q(username=name) | Q(email__iexact=name)
    found = User.objects.filter(access.watcher_candidates(user, ticket)).filter(named)
    return found.order_by("pk").first()


def watcher_by_id(user: User, ticket: Ticket, pk: int) -> User | None:
    """A watcher of ``ticket`` that ``user`` may see, by their user id."""
    watching = ticket_watchers(user, ticket).filter(user_id=pk).first()
    return watching.user if watching is not None else None


def mentionable(user: User, ticket: Ticket, prefix: str) -> list[User]:
    """The support staff an internal note on ``ticket`` may mention (``access.staff_scope``)
    whose username, first or last name starts with ``prefix`` (an @ before it allowed);
    nobody for who may not write internal notes, so institution users learn no names."""
    if not access.can_add_internal_note(user) or not access.can_see_ticket(user, ticket):
        return []
    typed = prefix.strip().removeprefix("@")[:MENTION_QUERY_MAX]
    starts = (
        Q(username__istartswith=typed)
        | Q(first_name__istartswith=typed)
        | Q(last_name__istartswith=typed)
    )
    staff = User.objects.filter(access.staff_scope()).filter(starts)
    return list(staff.order_by("username")[:MENTION_SUGGESTIONS])

"""Who watches a ticket besides its requester: adding and removing watchers, and the
people copied on a ticket's mail becoming watchers.

A watcher is a ``Participant``: they see the ticket (``access.followed_by``) and get its
public news; support staff watching also get its internal notes (``notices``).
"""

from collections.abc import Iterable

from django.db.models.functions import Lower

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.tickets import events
from hypercare.tickets.models import Participant, Ticket
from hypercare.tickets.services.common import lock, require

CHANGE_REFUSED = "You may not change who watches this ticket."


def add_watcher(*, ticket: Ticket, actor: User, watcher: User) -> Participant:
    """``watcher`` watches ``ticket`` from now on; adding someone already watching
    changes nothing. Who may be added is ``access.watcher_candidates``; anyone else is
    refused on the ``user`` field, worded alike whether or not they exist, so the answer
    tells nothing about another institution's people."""
    require(access.can_see_ticket(actor, ticket), CHANGE_REFUSED)
    if not User.objects.filter(access.watcher_candidates(actor, ticket), pk=watcher.pk).exists():
        raise ValidationFailed({"user": not_a_candidate(actor)})
    if watcher.pk == ticket.requester_id:
        raise ValidationFailed({"user": "is the ticket's requester, who hears of it already"})
    with use_case():
        ticket = lock(ticket)
        watching = Participant.objects.filter(ticket=ticket, user=watcher).first()
        if watching is not None:
            return watching
        return _watch(ticket, actor, watcher)


def not_a_candidate(actor: User) -> str:
    """Why the person named may not be added: the same words whether they exist or not."""
    if access.is_agent(actor):
        return "must be support staff or an active person of the ticket's institution"
    return "must be an active colleague of your institution"


def _watch(ticket: Ticket, actor: User, watcher: User) -> Participant:
    at = clock.now()
    participant = Participant.objects.create(
        ticket=ticket, user=watcher, added_by=actor, added_at=at
    )
    # Which support staff watch is the desk's business, as on the watchers panel.
    internal = access.is_agent(watcher)
    events.record_watcher_added(ticket, actor, at, watcher=watcher, is_internal=internal)
    return participant


def remove_watcher(*, ticket: Ticket, actor: User, watcher: User) -> None:
    """``watcher`` stops watching ``ticket`` (``access.can_remove_watcher`` says who may
    ask); NotFound when they were not watching it."""
    require(access.can_see_ticket(actor, ticket), CHANGE_REFUSED)
    require(access.can_remove_watcher(actor, ticket, watcher), CHANGE_REFUSED)
    with use_case():
        ticket = lock(ticket)
        removed, _ = Participant.objects.filter(ticket=ticket, user=watcher).delete()
        if not removed:
            raise NotFound("This person is not watching the ticket.")
        internal = access.is_agent(watcher)
        events.record_watcher_removed(
            ticket, actor, clock.now(), watcher=watcher, is_internal=internal
        )


def watch_from_cc(*, ticket: Ticket, sender: User, addresses: Iterable[str]) -> list[User]:
    """The people copied on ``sender``'s mail about ``ticket`` who are known, active
    people of the ticket's institution and may be added by the sender become its
    watchers, added by the sender. Every other address (a stranger, another
    institution's person, the desk's own mailbox) is ignored without a word, so a mail
    learns nothing about who the desk knows. A step of the mail intake's transaction."""
    wanted = {address.lower() for address in addresses}
    if not wanted:
        return []
    following = {ticket.requester_id, ticket.reported_by_id, sender.pk}
    following |= set(ticket.participants.values_list("user_id", flat=True))
    people = (
        User.objects.filter(
            access.watcher_candidates(sender, ticket), institution_id=ticket.institution_id
        )
        .annotate(address=Lower("email"))
        .filter(address__in=wanted)
        .exclude(pk__in=[pk for pk in following if pk is not None])
        .order_by("pk")
    )
    with use_case():
        ticket = lock(ticket)
        added: list[User] = list(people)
        for person in added:
            _watch(ticket, sender, person)
    return added

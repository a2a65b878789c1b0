"""The demo's linked work: one duplicate merged into the ticket it repeats, and a few
links between one institution's open tickets, made through the link services."""

from hypercare.accounts.models import User
from hypercare.links.choices import LinkKind
from hypercare.links.services import link_tickets, merge_tickets
from hypercare.tickets.choices import OPEN_STATUSES
from hypercare.tickets.models import Ticket

# Open tickets one institution needs: a survivor, its duplicate and two to link.
NEEDED = 4


def link_some_tickets(*, actor: User) -> None:
    """In the first institution with enough open tickets: the newest ticket of another
    requester is merged as a duplicate into the oldest, a third is its child and a
    fourth is caused by it."""
    open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES).order_by("created_at", "pk")
    for institution_id in open_tickets.values_list("institution_id", flat=True).distinct():
        tickets = list(open_tickets.filter(institution_id=institution_id))
        survivor = tickets[0]
        others = [t for t in tickets[1:] if t.requester_id != survivor.requester_id]
        if len(tickets) < NEEDED or not others:
            continue
        duplicate = others[-1]
        child, caused = [t for t in tickets[1:] if t != duplicate][:2]
        merge_tickets(
            duplicate=duplicate,
            survivor=survivor,
            actor=actor,
            reason="The same problem, reported twice.",
        )
        link_tickets(ticket=survivor, other=child, kind=LinkKind.PARENT_OF, actor=actor)
        link_tickets(ticket=caused, other=survivor, kind=LinkKind.CAUSED_BY, actor=actor)
        return

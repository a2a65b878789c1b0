"""Read queries for links, scoped by the access policy, and where a reply goes."""

from dataclasses import dataclass

from django.db.models import Q

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.links.choices import LinkKind, reading
from hypercare.links.models import TicketLink
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket


@dataclass(frozen=True)
class LinkView:
    """A link as one of its tickets shows it: what the other ticket is to this one."""

    link: TicketLink
    reading: str
    other: Ticket

    @property
    def merged(self) -> bool:
        return self.link.merged_at is not None


def ticket_links(user: User, ticket: Ticket) -> list[LinkView]:
    """The links of ``ticket`` that ``user`` may see (both tickets visible to them), each
    read from ``ticket``'s end, with the other ticket: one query."""
    links = (
        TicketLink.objects.filter(Q(source_id=ticket.pk) | Q(target_id=ticket.pk))
        .filter(access.link_scope(user))
        .select_related("source", "target")
    )
    return [_seen_from(ticket, link) for link in links]


def _seen_from(ticket: Ticket, link: TicketLink) -> LinkView:
    from_source = link.source_id == ticket.pk
    other = link.target if from_source else link.source
    return LinkView(link, reading(link.kind, from_source=from_source), other)


def get_visible_link(user: User, ticket: Ticket, pk: int) -> TicketLink:
    """One link of ``ticket`` that ``user`` may see; NotFound otherwise."""
    link = (
        TicketLink.objects.filter(Q(source_id=ticket.pk) | Q(target_id=ticket.pk), pk=pk)
        .filter(access.link_scope(user))
        .select_related("source", "target")
        .first()
    )
    if link is None:
        raise NotFound("No such link, or you may not see it.")
    return link


def link_between(first: Ticket, second: Ticket) -> TicketLink | None:
    """The link between two tickets, whichever way round it was made."""
    either_way = Q(source_id=first.pk, target_id=second.pk) | Q(
        source_id=second.pk, target_id=first.pk
    )
    return TicketLink.objects.filter(either_way).first()


def destination_id(ticket_id: int) -> int:
    """The id of the ticket a reply to ticket ``ticket_id`` goes to: that ticket, or,
    once merged, the ticket it was merged into (and on, if that one was merged later).
    Ids only, so the lookup on every incoming reply stays one narrow indexed query
    unless the ticket was merged. A survivor is never closed when merged into, so the
    chain has no loop; the set guards against one anyway."""
    seen = {ticket_id}
    while (survivor := _merged_into_id(ticket_id)) is not None and survivor not in seen:
        seen.add(survivor)
        ticket_id = survivor
    return ticket_id


def reply_destination(ticket: Ticket) -> Ticket:
    """The ticket a reply to ``ticket`` goes to (``destination_id``). The one lookup for
    every channel: the web pages, the API and mail."""
    survivor = destination_id(ticket.pk)
    if survivor == ticket.pk:
        return ticket
    return Ticket.objects.select_related("institution").get(pk=survivor)


def reply_destination_of(ticket_id: int) -> Ticket | None:
    """``reply_destination`` of the ticket ``ticket_id`` (None if there is none), as a
    mail naming it asks. Merging closes the duplicate, so a ticket read open is its own
    destination without asking for links: most replies cost one query."""
    ticket = Ticket.objects.select_related("institution").filter(pk=ticket_id).first()
    if ticket is None or ticket.status != Status.CLOSED:
        return ticket
    return reply_destination(ticket)


def _merged_into_id(ticket_id: int) -> int | None:
    merged = TicketLink.objects.filter(
        source_id=ticket_id, kind=LinkKind.DUPLICATE_OF, merged_at__isnull=False
    )
    return merged.values_list("target_id", flat=True).first()

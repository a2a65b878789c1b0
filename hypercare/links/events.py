"""Links, merges and splits on the tickets' timelines, and how each reads. Called only
by the link services, inside their transaction.

A link event names the other ticket by reference. It is public only when both tickets
belong to one institution: an institution user never reads another institution's
reference, even on a timeline.
"""

from datetime import datetime

from hypercare.accounts.models import User
from hypercare.links.choices import LinkEventKind
from hypercare.tickets.event_kinds import Sentence
from hypercare.tickets.events import append
from hypercare.tickets.models import Ticket, TicketEvent


def record_linked(
    ticket: Ticket, actor: User | None, at: datetime, *, reading: str, other: Ticket, reason: str
) -> TicketEvent:
    """``old_value`` holds what the other ticket is to this one, ``new_value`` its reference."""
    return append(
        ticket,
        LinkEventKind.LINKED,
        actor,
        at,
        is_internal=ticket.institution_id != other.institution_id,
        old_value=reading,
        new_value=other.reference,
        reason=reason,
    )


def record_unlinked(
    ticket: Ticket, actor: User, at: datetime, *, reading: str, other: Ticket
) -> TicketEvent:
    return append(
        ticket,
        LinkEventKind.UNLINKED,
        actor,
        at,
        is_internal=ticket.institution_id != other.institution_id,
        old_value=reading,
        new_value=other.reference,
    )


def record_merged(
    duplicate: Ticket, actor: User, at: datetime, *, survivor: Ticket, reason: str
) -> TicketEvent:
    """On the duplicate: the pointer to the ticket its conversation continues on."""
    return append(
        duplicate, LinkEventKind.MERGED, actor, at, new_value=survivor.reference, reason=reason
    )


def record_merge_received(
    survivor: Ticket, actor: User, at: datetime, *, duplicate: Ticket, reason: str
) -> TicketEvent:
    return append(
        survivor,
        LinkEventKind.MERGE_RECEIVED,
        actor,
        at,
        new_value=duplicate.reference,
        reason=reason,
    )


def record_participant_added(
    ticket: Ticket, actor: User, at: datetime, *, person: User
) -> TicketEvent:
    return append(ticket, LinkEventKind.PARTICIPANT_ADDED, actor, at, new_value=person.display_name)


def record_split(ticket: Ticket, actor: User, at: datetime, *, original: Ticket) -> TicketEvent:
    """On the new ticket: the ticket whose message it was made from."""
    return append(ticket, LinkEventKind.SPLIT, actor, at, new_value=original.reference)


SENTENCES: dict[str, Sentence] = {
    LinkEventKind.LINKED: lambda actor, event: (
        f"{actor} linked this ticket: {event.old_value} {event.new_value}"
    ),
    LinkEventKind.UNLINKED: lambda actor, event: (
        f"{actor} removed the link: {event.old_value} {event.new_value}"
    ),
    LinkEventKind.MERGED: lambda actor, event: f"{actor} merged this ticket into {event.new_value}",
    LinkEventKind.MERGE_RECEIVED: lambda actor, event: (
        f"{actor} merged {event.new_value} into this ticket"
    ),
    LinkEventKind.PARTICIPANT_ADDED: lambda actor, event: (
        f"{event.new_value} now follows this ticket"
    ),
    LinkEventKind.SPLIT: lambda actor, event: (
        f"{actor} made this ticket from a message of {event.new_value}"
    ),
}

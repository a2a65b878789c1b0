"""One function per timeline event type of the tickets app, and how each reads.

Called only by services, inside their transaction. Other apps append their own kinds of
event with ``append`` (see ``event_kinds``).
"""

from datetime import datetime

from hypercare.accounts.models import User
from hypercare.orgs.choices import Tier
from hypercare.tickets.choices import Category, Channel, EventKind, Priority, Status
from hypercare.tickets.event_kinds import Sentence, label_of
from hypercare.tickets.models import HandOver, Ticket, TicketEvent

# What a timeline row shows of a value (a file name may be longer).
VALUE_LENGTH = TicketEvent._meta.get_field("new_value").max_length or 200


def append(
    ticket: Ticket,
    kind: str,
    actor: User | None,
    at: datetime,
    *,
    is_internal: bool = False,
    body: str = "",
    old_value: str = "",
    new_value: str = "",
    reason: str = "",
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        created_at=at,
        is_internal=is_internal,
        body=body,
        old_value=old_value[:VALUE_LENGTH],
        new_value=new_value[:VALUE_LENGTH],
        reason=reason,
    )


def record_created(ticket: Ticket, actor: User, at: datetime) -> TicketEvent:
    """Who opened the ticket; when it is someone else's, the requester's username too, so
    the timeline says on whose behalf and through which channel."""
    on_behalf_of = "" if ticket.requester_id == actor.pk else ticket.requester.username
    return append(
        ticket, EventKind.CREATED, actor, at, old_value=on_behalf_of, new_value=ticket.status
    )


def record_public_reply(ticket: Ticket, actor: User, at: datetime, body: str) -> TicketEvent:
    return append(ticket, EventKind.PUBLIC_REPLY, actor, at, body=body)


def record_internal_note(ticket: Ticket, actor: User, at: datetime, body: str) -> TicketEvent:
    return append(ticket, EventKind.INTERNAL_NOTE, actor, at, body=body, is_internal=True)


def record_status_change(
    ticket: Ticket, actor: User | None, at: datetime, old: str, new: str, reason: str = ""
) -> TicketEvent:
    return append(
        ticket, EventKind.STATUS_CHANGED, actor, at, old_value=old, new_value=new, reason=reason
    )


def record_reopened(ticket: Ticket, actor: User | None, at: datetime, old: str) -> TicketEvent:
    return append(ticket, EventKind.REOPENED, actor, at, old_value=old, new_value=ticket.status)


def record_priority_change(
    ticket: Ticket,
    actor: User | None,
    at: datetime,
    old: str,
    new: str,
    reason: str,
    *,
    is_internal: bool = False,
) -> TicketEvent:
    return append(
        ticket,
        EventKind.PRIORITY_CHANGED,
        actor,
        at,
        is_internal=is_internal,
        old_value=old,
        new_value=new,
        reason=reason,
    )


def record_category_change(
    ticket: Ticket, actor: User, at: datetime, old: str, new: str, reason: str
) -> TicketEvent:
    return append(
        ticket, EventKind.CATEGORY_CHANGED, actor, at, old_value=old, new_value=new, reason=reason
    )


def record_module_change(
    ticket: Ticket, actor: User, at: datetime, old: str, new: str, reason: str
) -> TicketEvent:
    return append(
        ticket, EventKind.MODULE_CHANGED, actor, at, old_value=old, new_value=new, reason=reason
    )


def record_assignment(
    ticket: Ticket, actor: User | None, at: datetime, old: str, new: str, reason: str
) -> TicketEvent:
    return append(
        ticket, EventKind.ASSIGNED, actor, at, old_value=old, new_value=new, reason=reason
    )


def record_team_change(
    ticket: Ticket, actor: User | None, at: datetime, old: str, new: str, reason: str
) -> TicketEvent:
    return append(
        ticket, EventKind.TEAM_CHANGED, actor, at, old_value=old, new_value=new, reason=reason
    )


def record_tier_change(
    ticket: Ticket,
    actor: User | None,
    at: datetime,
    old: int,
    new: int,
    note: str,
    *,
    is_internal: bool = False,
) -> TicketEvent:
    return append(
        ticket,
        EventKind.TIER_CHANGED,
        actor,
        at,
        is_internal=is_internal,
        old_value=str(old),
        new_value=str(new),
        reason=note,
    )


def record_handover(event: TicketEvent, *, tried: str, findings: str, needed: str) -> HandOver:
    """The structured note of a move up a tier, kept with that tier-change event."""
    return HandOver.objects.create(event=event, tried=tried, findings=findings, needed=needed)


def record_attachment_added(
    ticket: Ticket, actor: User, at: datetime, name: str, *, is_internal: bool
) -> TicketEvent:
    return append(
        ticket, EventKind.ATTACHMENT_ADDED, actor, at, new_value=name, is_internal=is_internal
    )


def record_watcher_added(
    ticket: Ticket, actor: User, at: datetime, *, watcher: User, is_internal: bool
) -> TicketEvent:
    return append(
        ticket,
        EventKind.WATCHER_ADDED,
        actor,
        at,
        new_value=watcher.display_name,
        is_internal=is_internal,
    )


def record_watcher_removed(
    ticket: Ticket, actor: User, at: datetime, *, watcher: User, is_internal: bool
) -> TicketEvent:
    return append(
        ticket,
        EventKind.WATCHER_REMOVED,
        actor,
        at,
        old_value=watcher.display_name,
        is_internal=is_internal,
    )


def _assignment(actor: str, event: TicketEvent) -> str:
    if not event.new_value:
        return f"{actor} removed the owner ({_person(event, 'old')})"
    if event.actor is not None and event.new_value == event.actor.username:
        return f"{actor} took the ticket"
    return f"{actor} assigned the ticket to {_person(event, 'new')}"


def _person(event: TicketEvent, side: str) -> str:
    """The owner an assignment names, by name when the timeline looked it up (its
    ``old_person``/``new_person``), else the stored username."""
    name = getattr(event, f"{side}_person", None)
    return name or str(getattr(event, f"{side}_value"))


def _watcher_removed(actor: str, event: TicketEvent) -> str:
    if event.actor is not None and event.actor.display_name == event.old_value:
        return f"{actor} stopped watching the ticket"
    return f"{actor} removed {event.old_value} from the watchers"


def _changed(what: str, kinds: type[Category | Priority | Status]) -> Sentence:
    def sentence(actor: str, event: TicketEvent) -> str:
        old, new = label_of(kinds, event.old_value), label_of(kinds, event.new_value)
        return f"{actor} changed the {what} from {old} to {new}"

    return sentence


# How a ticket opened for someone else came in, as the timeline says it; any other channel
# reads "by phone", "by walk-in", "by chat", "by email".
THROUGH: dict[str, str] = {Channel.PORTAL: "through the portal", Channel.API: "through the API"}


def _created(actor: str, event: TicketEvent) -> str:
    if not event.old_value:
        return f"{actor} reported the issue"
    channel = event.ticket.channel
    how = THROUGH.get(channel) or f"by {label_of(Channel, channel).lower()}"
    return f"{actor} opened the ticket on behalf of {_person(event, 'old')} {how}"


SENTENCES: dict[str, Sentence] = {
    EventKind.CREATED: _created,
    EventKind.PUBLIC_REPLY: lambda actor, event: f"{actor} replied",
    EventKind.INTERNAL_NOTE: lambda actor, event: f"{actor} added an internal note",
    EventKind.STATUS_CHANGED: _changed("status", Status),
    EventKind.PRIORITY_CHANGED: _changed("priority", Priority),
    EventKind.CATEGORY_CHANGED: _changed("category", Category),
    EventKind.MODULE_CHANGED: lambda actor, event: (
        f"{actor} moved the ticket from {event.old_value} to {event.new_value}"
    ),
    EventKind.ASSIGNED: _assignment,
    EventKind.TEAM_CHANGED: lambda actor, event: (
        f"{actor} handed the ticket to the {event.new_value} team"
    ),
    EventKind.TIER_CHANGED: lambda actor, event: (
        f"{actor} moved the ticket from {label_of(Tier, event.old_value)} "
        f"to {label_of(Tier, event.new_value)}"
    ),
    EventKind.ATTACHMENT_ADDED: lambda actor, event: f"{actor} added {event.new_value}",
    EventKind.REOPENED: lambda actor, event: f"{actor} reopened the ticket",
    EventKind.WATCHER_ADDED: lambda actor, event: f"{actor} added {event.new_value} as a watcher",
    EventKind.WATCHER_REMOVED: _watcher_removed,
}

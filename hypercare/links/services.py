"""Links between tickets: linking and unlinking, merging a duplicate, splitting a
message off into a ticket of its own, and the link a follow-up mail makes.

Every link is recorded on both tickets' timelines in the transaction that makes it.
Only tickets the actor may see are linked (``link_tickets`` is handed tickets its
adapters found through the actor's scope, and checks again).
"""

from datetime import datetime

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotFound, ValidationFailed
from hypercare.escalations.services.merging import carry_escalation_over
from hypercare.lib import clock
from hypercare.lib.transactions import composed, use_case
from hypercare.lib.validation import FieldErrors
from hypercare.links import events
from hypercare.links.choices import LinkKind, reading
from hypercare.links.models import TicketLink
from hypercare.links.selectors import link_between
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import notify
from hypercare.releases.services import carry_release_plan_over
from hypercare.sla.services import replan_ticket
from hypercare.tickets import events as ticket_events
from hypercare.tickets.choices import EventKind, Status
from hypercare.tickets.models import Participant, Ticket, TicketEvent
from hypercare.tickets.services.common import lock, require
from hypercare.tickets.services.intake import open_ticket

LINK_REFUSED = "Only support staff link, merge and split tickets."
NOT_VISIBLE = "No such ticket, or you may not see it."
REASON_MAX = 2_000


def link_tickets(*, ticket: Ticket, other: Ticket, kind: str, actor: User) -> TicketLink:
    """Link ``ticket`` to ``other`` as ``kind`` (``ticket`` is the duplicate of, caused
    by, or the parent of ``other``). Two tickets have one link at most, either way round;
    merging a duplicate is ``merge_tickets``, not this."""
    require(access.can_link_tickets(actor), LINK_REFUSED)
    _require_visible(actor, ticket, other)
    errors = FieldErrors()
    errors.choice("kind", kind, LinkKind.values)
    if ticket.pk == other.pk:
        errors.add("ticket", "is this ticket: a ticket cannot be linked to itself")
    errors.check()
    with use_case():
        ticket, other = _lock_both(ticket, other)
        if link_between(ticket, other) is not None:
            raise ValidationFailed({"ticket": f"is already linked to {ticket.reference}"})
        return _link(ticket, other, kind, actor, clock.now())


def unlink_tickets(*, link: TicketLink, actor: User) -> None:
    """Remove a link, on both timelines. A merge's link stays: replies follow it."""
    require(access.can_link_tickets(actor), LINK_REFUSED)
    if link.merged_at is not None:
        raise InvalidTransition(
            f"{link.source.reference} was merged into {link.target.reference}; "
            "a merge is not undone by removing its link."
        )
    with use_case():
        source, target = _lock_both(link.source, link.target)
        TicketLink.objects.filter(pk=link.pk).delete()
        at = clock.now()
        for ticket, other, from_source in ((source, target, True), (target, source, False)):
            events.record_unlinked(
                ticket, actor, at, reading=reading(link.kind, from_source=from_source), other=other
            )


def merge_tickets(*, duplicate: Ticket, survivor: Ticket, actor: User, reason: str = "") -> Ticket:
    """Merge ``duplicate`` into ``survivor``: the duplicate's requester (and whoever
    reported it for them or followed it) become participants of the survivor, both
    timelines stay, and the duplicate is closed with a link to the survivor, where its
    replies go from now on (``selectors.reply_destination``). Its requester is told once.
    Its open escalation and its unshipped release plan go to the survivor, or end when
    the survivor has its own (``carry_escalation_over``, ``carry_release_plan_over``).
    All of it is one transaction.

    Both tickets must be of one institution: a participant sees the whole ticket, so a
    merge across institutions would show one institution's ticket to the other's people.
    """
    require(access.can_link_tickets(actor), LINK_REFUSED)
    _require_visible(actor, duplicate, survivor)
    errors = FieldErrors()
    note = errors.text("reason", reason, REASON_MAX, required=False)
    if duplicate.pk == survivor.pk:
        errors.add("survivor", "is this ticket: a ticket cannot be merged into itself")
    elif duplicate.institution_id != survivor.institution_id:
        errors.add("survivor", "is of another institution: only one institution's tickets merge")
    errors.check()
    with composed():
        # The release and the escalations before the tickets, the order in which their own
        # services lock them (shipping, an escalation's steps), so none waits on the other.
        carry_release_plan_over(duplicate=duplicate, survivor=survivor, actor=actor)
        carry_escalation_over(duplicate=duplicate, survivor=survivor, actor=actor)
        duplicate, survivor = _lock_both(duplicate, survivor)
        for ticket in (duplicate, survivor):
            if ticket.status == Status.CLOSED:
                raise InvalidTransition(f"{ticket.reference} is closed; it cannot be merged.")
        at = clock.now()
        _mark_merged(duplicate, survivor, actor, at)
        for person in _followers(duplicate, survivor):
            Participant.objects.create(ticket=survivor, user=person, added_by=actor, added_at=at)
            events.record_participant_added(survivor, actor, at, person=person)
        events.record_merged(duplicate, actor, at, survivor=survivor, reason=note)
        events.record_merge_received(survivor, actor, at, duplicate=duplicate, reason=note)
        _close_as_merged(duplicate, survivor, actor, at)
        survivor.updated_at = at
        survivor.save(update_fields=["updated_at"])
        notify(
            event=NotificationEvent.TICKET_MERGED,
            ticket=survivor,
            recipients=[person for person in (duplicate.requester,) if person != actor],
            cause=f"merged:{duplicate.pk}",
            context={"duplicate": duplicate},
        )
    return survivor


def split_ticket(*, ticket: Ticket, event: TicketEvent, actor: User, title: str) -> Ticket:
    """A new ticket made from one public message of ``ticket``: its text is the new
    description, its author (when of the ticket's institution) the requester, else the
    ticket's requester; module, category and its answers, urgency and impact are the
    ticket's. The new ticket is linked to ``ticket`` as related, on both timelines;
    opening and linking are one transaction.
    """
    require(access.can_link_tickets(actor), LINK_REFUSED)
    _require_visible(actor, ticket)
    if event.ticket_id != ticket.pk:
        raise NotFound("No such message on this ticket.")
    if event.kind != EventKind.PUBLIC_REPLY or event.is_internal:
        raise ValidationFailed({"event": "is not a public message: only one can be split off"})
    author = event.actor
    if author is None or not author.is_active or author.institution_id != ticket.institution_id:
        author = ticket.requester
    with composed():
        new = _split_off(ticket, event, author, actor, title)
        new, ticket = _lock_both(new, ticket)
        at = clock.now()
        reason = "Made from one message of the other ticket."
        _link(new, ticket, LinkKind.RELATED, actor, at, reason=reason)
        events.record_split(new, actor, at, original=ticket)
    return new


def _split_off(ticket: Ticket, event: TicketEvent, author: User, actor: User, title: str) -> Ticket:
    return open_ticket(
        actor=actor,
        institution=ticket.institution,
        requester=author,
        module=ticket.module,
        category=ticket.category,
        title=title,
        description=event.body,
        urgency=ticket.urgency,
        impact=ticket.impact,
        channel=ticket.channel,
        category_details=ticket.category_details,
    )


def link_follow_up(*, follow_up: Ticket, earlier: Ticket, actor: User) -> TicketLink:
    """Link a ticket opened by a reply to ``earlier`` (resolved past its reopen window,
    or closed) to it as related. The reply's author links it: someone who may write to
    the earlier ticket, so its link is not a link to a ticket they cannot see."""
    _require_visible(actor, follow_up, earlier)
    with use_case():
        follow_up, earlier = _lock_both(follow_up, earlier)
        reason = f"Follows up {earlier.reference}, which can no longer be reopened."
        return _link(follow_up, earlier, LinkKind.RELATED, actor, clock.now(), reason=reason)


def _require_visible(actor: User, *tickets: Ticket) -> None:
    for ticket in tickets:
        if not access.can_see_ticket(actor, ticket):
            raise NotFound(NOT_VISIBLE)


def _lock_both(first: Ticket, second: Ticket) -> tuple[Ticket, Ticket]:
    """Both rows locked, the lower id first, so two links made at once never deadlock."""
    locked = {ticket.pk: lock(ticket) for ticket in sorted((first, second), key=lambda t: t.pk)}
    return locked[first.pk], locked[second.pk]


def _link(
    source: Ticket, target: Ticket, kind: str, actor: User, at: datetime, *, reason: str = ""
) -> TicketLink:
    link = TicketLink.objects.create(
        source=source, target=target, kind=kind, created_by=actor, created_at=at
    )
    for ticket, other, from_source in ((source, target, True), (target, source, False)):
        events.record_linked(
            ticket,
            actor,
            at,
            reading=reading(kind, from_source=from_source),
            other=other,
            reason=reason,
        )
    return link


def _mark_merged(duplicate: Ticket, survivor: Ticket, actor: User, at: datetime) -> None:
    """The duplicate-of link from the duplicate to the survivor, marked merged; a link
    the two had already (of any kind, either way round) becomes it."""
    link = link_between(duplicate, survivor)
    if link is None:
        link = _link(duplicate, survivor, LinkKind.DUPLICATE_OF, actor, at)
    link.source, link.target, link.kind, link.merged_at = (
        duplicate,
        survivor,
        LinkKind.DUPLICATE_OF,
        at,
    )
    link.save(update_fields=["source", "target", "kind", "merged_at"])


def _followers(duplicate: Ticket, survivor: Ticket) -> list[User]:
    """The duplicate's requester side (its requester, who reported it for them when of
    the institution, its participants) who do not follow the survivor yet."""
    reporter = duplicate.reported_by
    people = [
        duplicate.requester,
        *([reporter] if reporter.institution_id == duplicate.institution_id else []),
        *(p.user for p in duplicate.participants.select_related("user")),
    ]
    following = {survivor.requester_id, *survivor.participants.values_list("user_id", flat=True)}
    chosen: dict[int, User] = {}
    for person in people:
        if person.pk not in following and person.is_active:
            chosen.setdefault(person.pk, person)
    return list(chosen.values())


def _close_as_merged(duplicate: Ticket, survivor: Ticket, actor: User, at: datetime) -> None:
    """Closed whatever its status: a merge ends the duplicate's own life cycle, which
    the transition table (Closed only after Resolved) does not foresee. Like any ticket
    leaving New (``lifecycle.set_status``), it gets a named owner: the merging agent
    when nobody owns it."""
    old = duplicate.status
    if duplicate.assignee_id is None:
        duplicate.assignee = actor
        reason = "Took it while merging."
        ticket_events.record_assignment(duplicate, actor, at, "", actor.username, reason)
    duplicate.status = Status.CLOSED
    duplicate.closed_at = at
    duplicate.updated_at = at
    ticket_events.record_status_change(
        duplicate, actor, at, old, Status.CLOSED, f"Merged into {survivor.reference}."
    )
    duplicate.save(update_fields=["status", "assignee", "closed_at", "updated_at"])
    replan_ticket(duplicate, at=at)

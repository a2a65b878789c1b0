"""Public replies and internal notes."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import ConfirmationNeeded, InvalidTransition
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.choices import TimeEntryRule
from hypercare.sla.services import replan_ticket
from hypercare.tickets import events
from hypercare.tickets.choices import EventKind, Status
from hypercare.tickets.models import MAX_MINUTES, PendingUpload, Ticket, TicketEvent, TimeEntry
from hypercare.tickets.services import notices
from hypercare.tickets.services.attachments import attach_uploads
from hypercare.tickets.services.common import lock, require
from hypercare.tickets.services.lifecycle import set_status

MAX_BODY = 50_000


def closes_at(ticket: Ticket) -> datetime | None:
    """When a resolved ticket closes by itself (its institution's ``auto_close_days`` after
    it was resolved); None for a ticket that is not resolved."""
    if ticket.status != Status.RESOLVED or ticket.resolved_at is None:
        return None
    return ticket.resolved_at + timedelta(days=ticket.institution.auto_close_days)


def can_still_reopen(ticket: Ticket) -> bool:
    """The requester side may reopen a resolved ticket until it closes by itself."""
    closing = closes_at(ticket)
    return closing is not None and clock.now() <= closing


def add_public_reply(
    *,
    ticket: Ticket,
    actor: User,
    body: str,
    status: str = "",
    uploads: Sequence[PendingUpload] = (),
    seen_event_id: int | None = None,
    confirmed: bool = False,
    minutes: int | None = None,
) -> TicketEvent:
    """Add to the conversation with the requester, with the actor's pending ``uploads``
    as the reply's files, all in one transaction.

    ``seen_event_id`` is the newest public reply the author had read when they wrote
    (the page or client they wrote in says which). When someone else has replied since,
    the reply is refused until the author ``confirmed`` it, having read that reply: two
    people never answer the requester twice, each unaware of the other. A writer who
    says nothing of what they read (mail, older clients) is not asked.

    A support reply counts as the first response. It moves a New or Triaged ticket to In
    progress, or to ``status`` when the agent chose one in the same submit ("reply and
    set to Waiting on requester"). A reply from the institution side resumes a ticket
    that was waiting on the requester, and reopens a resolved ticket within the reopen
    window; after that window, or once closed, a new ticket is needed.

    Support staff may enter the ``minutes`` the reply took (see ``check_minutes``).
    """
    require(access.can_reply(actor, ticket), "You may not reply to this ticket.")
    from_support = access.is_agent(actor)
    errors = FieldErrors()
    text = errors.text("body", body, MAX_BODY, required=True)
    if status:
        errors.choice("status", status, Status.values)
    check_minutes(errors, ticket, minutes, from_support=from_support)
    errors.check()
    require(from_support or not status, "Only support staff can set a status with a reply.")
    with use_case():
        ticket = lock(ticket)
        at = clock.now()
        clock_inputs = (ticket.status, ticket.first_responded_at)
        if ticket.status == Status.CLOSED:
            raise InvalidTransition("This ticket is closed; please open a new ticket.")
        if seen_event_id is not None and not confirmed:
            _require_no_unread_reply(ticket, actor, seen_event_id)
        if ticket.status == Status.RESOLVED and not from_support:
            _require_reopen_window(ticket)
            _reopen(ticket, actor, at)
        elif ticket.status == Status.WAITING_ON_REQUESTER and not from_support:
            events.record_status_change(
                ticket, actor, at, ticket.status, Status.IN_PROGRESS, "The requester replied."
            )
            ticket.status = Status.IN_PROGRESS
        if from_support:
            _count_as_first_response(ticket, at)
        reply = events.record_public_reply(ticket, actor, at, text)
        attach_uploads(ticket, actor, uploads, at, event=reply)
        _record_time(reply, actor, minutes)
        changed = _status_after_reply(ticket, actor, at, status) if from_support else None
        ticket.updated_at = at
        ticket.save()
        # The clocks follow the status history and the first response only: a reply
        # that moved neither (a requester adding detail) leaves the plan as it was.
        if (ticket.status, ticket.first_responded_at) != clock_inputs:
            replan_ticket(ticket, at=at)
        notices.public_reply(ticket, reply, actor, from_support=from_support)
        if changed is not None and status:
            notices.status_changed(ticket, changed, actor)
        return reply


def newest_public_reply(ticket: Ticket) -> TicketEvent | None:
    """The conversation's last public reply: what a writer has read when they start."""
    return _public_replies(ticket).last()


def _public_replies(ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.filter(kind=EventKind.PUBLIC_REPLY, is_internal=False).order_by("pk")


def _require_no_unread_reply(ticket: Ticket, actor: User, seen_event_id: int) -> None:
    unread = (
        _public_replies(ticket)
        .filter(pk__gt=seen_event_id)
        .exclude(actor_id=actor.pk)
        .select_related("actor")
        .last()
    )
    if unread is not None:
        who = unread.actor.display_name if unread.actor is not None else "Someone"
        raise ConfirmationNeeded(
            f"{who} replied at {timezone.localtime(unread.created_at):%H:%M}, after the "
            "reply you read: read it, then send yours anyway if it still fits."
        )


def _count_as_first_response(ticket: Ticket, at: datetime) -> bool:
    """THE rule of support's response: the first public word from support that reaches
    the requester stops the first-response clock; later ones change nothing."""
    if ticket.first_responded_at is not None:
        return False
    ticket.first_responded_at = at
    return True


def record_support_response(ticket: Ticket, at: datetime) -> None:
    """A public entry from support that reached the requester other than as a reply (a
    problem's workaround, a major incident's update) counts as a reply does: inside the
    caller's transaction, the ticket is locked and its clocks re-planned when it was the
    first response."""
    ticket = lock(ticket)
    if _count_as_first_response(ticket, at):
        ticket.save(update_fields=["first_responded_at"])
        replan_ticket(ticket, at=at)


def usual_status_after_reply(status: str) -> str:
    """The status a support reply leaves a ticket in when the agent chooses none: the
    first answer to a New or Triaged ticket means someone is working on it."""
    return Status.IN_PROGRESS if status in (Status.NEW, Status.TRIAGED) else status


def _status_after_reply(
    ticket: Ticket, actor: User, at: datetime, status: str
) -> TicketEvent | None:
    """Move the locked ticket to the status the agent chose, or the usual one."""
    status = status or usual_status_after_reply(ticket.status)
    if status == ticket.status:
        return None
    return set_status(ticket, actor=actor, at=at, status=status, reason="")


def report_not_fixed(*, ticket: Ticket, actor: User, body: str = "") -> Ticket:
    """The requester says a resolved ticket is not fixed: it reopens, and what is still
    wrong, when they say, goes to the support team as a public reply.

    Only the requester side may, and only within the reopen window; after it, or once
    the ticket is closed, a new ticket is needed.
    """
    text = _checked_body(body, required=False)
    with use_case():
        ticket = lock(ticket)
        require(
            access.can_set_status(actor, ticket, Status.IN_PROGRESS),
            "You may not reopen this ticket.",
        )
        if ticket.status != Status.RESOLVED:
            raise InvalidTransition("Only a resolved ticket can be reported as not fixed.")
        _require_reopen_window(ticket)
        at = clock.now()
        _reopen(ticket, actor, at)
        ticket.updated_at = at
        ticket.save(update_fields=["status", "resolved_at", "updated_at"])
        if text:
            reply = events.record_public_reply(ticket, actor, at, text)
            notices.public_reply(ticket, reply, actor, from_support=False)
        replan_ticket(ticket, at=at)
    return ticket


def _checked_body(body: str, *, required: bool) -> str:
    errors = FieldErrors()
    text = errors.text("body", body, MAX_BODY, required=required)
    errors.check()
    return text


def _require_reopen_window(ticket: Ticket) -> None:
    if not can_still_reopen(ticket):
        raise InvalidTransition(
            "This ticket can only be reopened within "
            f"{ticket.institution.auto_close_days} days of being resolved; "
            "please open a new ticket."
        )


def _reopen(ticket: Ticket, actor: User, at: datetime) -> None:
    old = ticket.status
    ticket.status = Status.IN_PROGRESS
    ticket.resolved_at = None
    events.record_reopened(ticket, actor, at, old)


def add_internal_note(
    *, ticket: Ticket, actor: User, body: str, minutes: int | None = None
) -> TicketEvent:
    """A note for support staff only; never shown to the institution. The staff it
    mentions (``@username``) and the staff watching the ticket are told of it. The
    ``minutes`` it took are entered as with a reply (see ``check_minutes``)."""
    require(access.can_add_internal_note(actor), "Only support staff can add internal notes.")
    errors = FieldErrors()
    text = errors.text("body", body, MAX_BODY, required=True)
    check_minutes(errors, ticket, minutes, from_support=True)
    errors.check()
    with use_case():
        ticket = lock(ticket)
        at = clock.now()
        ticket.updated_at = at
        ticket.save(update_fields=["updated_at"])
        note = events.record_internal_note(ticket, actor, at, text)
        notices.internal_note(ticket, note, actor)
        _record_time(note, actor, minutes)
        return note


def time_entry_rule(ticket: Ticket) -> str:
    """THE rule on entering time for ``ticket``: its team's setting; a ticket in no
    team's queue leaves it optional."""
    return ticket.team.time_entry if ticket.team is not None else TimeEntryRule.OPTIONAL


def check_minutes(
    errors: FieldErrors, ticket: Ticket, minutes: int | None, *, from_support: bool
) -> None:
    """Minutes are support's: a whole number of minutes up to a day, required on every
    reply and note when the ticket's team says so, refused when it tracks no time.
    Institution users never enter time."""
    rule = time_entry_rule(ticket)
    if minutes is None:
        if from_support and rule == TimeEntryRule.REQUIRED:
            errors.add("minutes", "Enter the minutes this took; this team tracks time")
    elif not from_support:
        errors.add("minutes", "Only support staff enter time")
    elif rule == TimeEntryRule.OFF:
        errors.add("minutes", "This team does not track time")
    elif not 1 <= minutes <= MAX_MINUTES:
        errors.add("minutes", f"must be a whole number of minutes from 1 to {MAX_MINUTES}")


def _record_time(event: TicketEvent, actor: User, minutes: int | None) -> None:
    """Inside the reply's or note's transaction: its time entry, when minutes were given."""
    if minutes is not None:
        TimeEntry.objects.create(
            ticket=event.ticket,
            event=event,
            person=actor,
            minutes=minutes,
            at=event.created_at,
        )

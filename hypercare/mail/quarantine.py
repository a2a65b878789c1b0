"""What a support manager does with a quarantined message: retry, attach, open, discard.

Each action moves the message out of the quarantine with a conditional UPDATE (``status``
still quarantined), so two managers acting at once never both act: the second is told it
has gone. The move, the ticket work and the action's record (``QuarantineAction``) are one
transaction (``composed``): a refusal by the ticket services leaves the message in the
quarantine with nothing done, and the first UPDATE's row lock makes a second manager wait
for the first one's outcome rather than work alongside.
"""

from collections.abc import Callable
from dataclasses import replace

from django.conf import settings

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.transactions import composed, use_case
from hypercare.lib.validation import FieldErrors
from hypercare.links.selectors import reply_destination
from hypercare.mail import intake
from hypercare.mail.choices import InboundStatus, QuarantineStep
from hypercare.mail.models import InboundMessage, QuarantineAction
from hypercare.mail.parsing import ParsedMessage, Unparseable, parse_message
from hypercare.mail.ticketing import attach_mail_to_ticket, open_ticket_from_mail
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import require

MANAGERS_ONLY = "Only support managers and system admins handle quarantined mail."
GONE = "This message is no longer in the quarantine: someone has already handled it."
DISCARD_REASON_MAX = 1000
UNREADABLE = "The message cannot be read, so its text cannot go onto a ticket: download it."


def retry_message(*, message: InboundMessage, actor: User) -> InboundMessage:
    """Put the message back as received and process it again, as if it had just come in
    (after a mailbox, a domain or a person was set up for it). It may come back to the
    quarantine, with the reason of this run."""
    require(access.can_manage_quarantine(actor), MANAGERS_ONLY)
    with use_case():
        _claim(message, InboundStatus.RECEIVED, processed_at=None)
        _record(message, actor, QuarantineStep.RETRY)
    intake.process(message)
    return _fresh(message)


def attach_message(*, message: InboundMessage, actor: User, ticket: Ticket) -> InboundMessage:
    """Add the message's text and files to ``ticket``, which ``actor`` must be able to see
    (or, once it was merged, to the ticket it was merged into, as every reply goes).

    From a sender who may write to the ticket by mail (``access.can_write_by_mail``), it
    is their reply. From anyone else it is an internal note by ``actor`` that names the
    sender, so a stranger's words never reach the requester as if they were the desk's.
    """
    require(access.can_manage_quarantine(actor), MANAGERS_ONLY)
    if not access.can_see_ticket(actor, ticket):
        raise ValidationFailed({"ticket": "no such ticket"})
    ticket = reply_destination(ticket)
    parsed = _readable(message)
    sender = intake.known_sender(parsed.from_address)
    if sender is not None and access.can_write_by_mail(sender, ticket):
        author = sender
    else:
        author, parsed = actor, _as_internal_note(parsed)

    def work() -> Ticket:
        attach_mail_to_ticket(message, parsed, ticket=ticket, author=author)
        return ticket

    return _handled(message, actor, QuarantineStep.ATTACH, InboundStatus.REPLY_ADDED, work)


def open_ticket_from_message(
    *, message: InboundMessage, actor: User, institution: Institution, requester: User
) -> InboundMessage:
    """Open a ticket from the message for ``requester``, an active person of
    ``institution``, with the message's text and files."""
    require(access.can_manage_quarantine(actor), MANAGERS_ONLY)
    if requester.institution_id != institution.pk or not requester.is_active:
        raise ValidationFailed({"requester_id": "is not an active person of that institution"})
    parsed = _readable(message)

    def work() -> Ticket:
        return open_ticket_from_mail(message, parsed, sender=requester, institution=institution)

    return _handled(message, actor, QuarantineStep.OPEN_TICKET, InboundStatus.TICKET_OPENED, work)


def discard_message(*, message: InboundMessage, actor: User, reason: str) -> InboundMessage:
    """Drop the message for good, saying why. It is kept (raw and all) but listed no more."""
    require(access.can_manage_quarantine(actor), MANAGERS_ONLY)
    errors = FieldErrors()
    note = errors.text("reason", reason, DISCARD_REASON_MAX)
    errors.check()
    with use_case():
        _claim(message, InboundStatus.DISCARDED)
        _record(message, actor, QuarantineStep.DISCARD, note=note)
    return _fresh(message)


def _readable(message: InboundMessage) -> ParsedMessage:
    if message.status != InboundStatus.QUARANTINED:
        raise InvalidTransition(GONE)
    try:
        return parse_message(bytes(message.raw))
    except Unparseable:
        raise InvalidTransition(UNREADABLE) from None


def _as_internal_note(parsed: ParsedMessage) -> ParsedMessage:
    """The text as an internal note of the desk's, first naming who wrote it."""
    prefix: str = settings.HYPERCARE_MAIL_INTERNAL_PREFIX
    sender = parsed.from_address or "an unknown sender"
    heading = f"{prefix}\nFrom {sender} (by mail; not a participant of this ticket):\n\n"
    return replace(parsed, new_text=heading + (parsed.new_text or parsed.text))


def _handled(
    message: InboundMessage,
    actor: User,
    step: str,
    status: str,
    work: Callable[[], Ticket],
) -> InboundMessage:
    """Move the message to ``status``, do ``work`` and record it, all or nothing."""
    with composed():
        _claim(message, status, processed_at=clock.now())
        ticket = work()
        InboundMessage.objects.filter(pk=message.pk).update(ticket=ticket)
        _record(message, actor, step, ticket=ticket)
    return _fresh(message)


def _claim(message: InboundMessage, status: str, **changes: object) -> None:
    """Move the message out of the quarantine, or refuse if someone already has."""
    claimed = InboundMessage.objects.filter(pk=message.pk, status=InboundStatus.QUARANTINED).update(
        status=status, **changes
    )
    if claimed != 1:
        raise InvalidTransition(GONE)


def _record(
    message: InboundMessage,
    actor: User,
    step: str,
    *,
    ticket: Ticket | None = None,
    note: str = "",
) -> QuarantineAction:
    return QuarantineAction.objects.create(
        message=message, step=step, actor=actor, at=clock.now(), ticket=ticket, note=note
    )


def _fresh(message: InboundMessage) -> InboundMessage:
    return InboundMessage.objects.select_related("mailbox", "ticket").get(pk=message.pk)

"""Stage 3 of the email channel: a stored message becomes a ticket, a reply, a record or
a quarantined item, decided here and done by the ticket services.

A message is processed in one transaction (``lib.transactions.composed``): the ticket
services it calls are steps of it, and its outcome is written with them, so a worker
killed anywhere leaves the message received and nothing of it on any ticket. Two workers
never process one message both: it is locked first (``skip_locked`` on PostgreSQL: the
other worker passes on to the next one; SQLite runs one write transaction at a time) and
only taken while still received. Parsing is pure and bounded, so it runs before the
transaction and holds no lock.
"""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import InterfaceError, OperationalError

from hypercare import access
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.selectors import with_email
from hypercare.accounts.services import create_user
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.transactions import composed, use_case
from hypercare.mail.bounces import record_bounce
from hypercare.mail.choices import InboundStatus
from hypercare.mail.models import InboundMessage, MailDomain
from hypercare.mail.outgoing import loop_marker
from hypercare.mail.parsing import (
    LIMITS,
    LOOP_HEADER,
    ParsedMessage,
    TooLarge,
    Unparseable,
    header_block,
    parse_message,
)
from hypercare.mail.ticketing import (
    attach_mail_to_ticket,
    open_ticket_from_mail,
    record_automatic_mail,
    thread_of,
)
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import notify_address
from hypercare.orgs.choices import UnknownSenders
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.conversation import can_still_reopen

logger = logging.getLogger(__name__)

BATCH = 50
# Below the job's interval (hypercare.jobs), so runs do not pile up.
RUN_SECONDS = 8.0
SUBJECT_LENGTH = InboundMessage._meta.get_field("subject").max_length or 250
SENDER_LENGTH = InboundMessage._meta.get_field("sender").max_length or 320
FAILED = "Processing failed with an internal error (logged); retry it once that is fixed."
# The database down or busy: not the message's fault, so it stays received for a retry.
TRANSIENT = (OperationalError, InterfaceError)


@dataclass(frozen=True)
class Outcome:
    """What became of a message: its new status, why, and the ticket it went to."""

    status: str
    reason: str = ""
    ticket: Ticket | None = None


def quarantined(reason: str) -> Outcome:
    return Outcome(InboundStatus.QUARANTINED, reason)


Reading = ParsedMessage | TooLarge | Unparseable


def process(message: InboundMessage) -> InboundMessage:
    """Turn a received message into work, once; one processed, or being processed by
    another worker, is left as it is. The message is returned with its outcome.

    The database failing propagates and leaves the message received, for the job to retry.
    Any other failure (a bug) must not have it retried forever, nor lost: it goes to the
    quarantine, where a manager retries it once the cause is fixed.
    """
    raw = bytes(message.raw)
    reading = _read(raw)
    try:
        with composed():
            if not _take(message.pk):
                message.refresh_from_db()
                return message
            outcome, sender, subject = _decided(message, reading, ours=_is_our_loop(raw))
            _write_outcome(message, outcome, sender, subject)
    except TRANSIENT:
        raise
    except Exception:
        logger.exception("Processing inbound message %s failed", message.pk)
        with use_case():
            if _take(message.pk):
                _write_outcome(message, quarantined(FAILED), message.sender, message.subject)
    return message


def process_received() -> dict[str, int]:
    """Process received messages, oldest first, a batch at a time until none is left or
    the run's time is up. One message failing does not stop the others."""
    counts = {"processed": 0, "failed": 0}
    stop_at = time.monotonic() + RUN_SECONDS
    while time.monotonic() < stop_at:
        keys = list(
            InboundMessage.objects.filter(status=InboundStatus.RECEIVED)
            .order_by("received_at", "pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        for message in InboundMessage.objects.filter(pk__in=keys).order_by("received_at", "pk"):
            try:
                process(message)
                counts["processed"] += 1
            except TRANSIENT:
                logger.exception("Processing inbound message %s failed", message.pk)
                counts["failed"] += 1
        if len(keys) < BATCH:
            break
    return counts


def _take(pk: int) -> bool:
    """Lock the message for this transaction if it is still received and no other
    worker holds it."""
    locked = InboundMessage.objects.select_for_update(skip_locked=True).filter(
        pk=pk, status=InboundStatus.RECEIVED
    )
    return bool(locked.values_list("pk", flat=True))


def _write_outcome(message: InboundMessage, outcome: Outcome, sender: str, subject: str) -> None:
    message.status = outcome.status
    message.reason = outcome.reason
    message.ticket = outcome.ticket
    message.sender = sender[:SENDER_LENGTH]
    message.subject = subject[:SUBJECT_LENGTH]
    message.processed_at = clock.now()
    message.save(update_fields=["status", "reason", "ticket", "sender", "subject", "processed_at"])


def _read(raw: bytes) -> Reading:
    try:
        return parse_message(raw)
    except (TooLarge, Unparseable) as refusal:
        return refusal


def _decided(message: InboundMessage, reading: Reading, *, ours: bool) -> tuple[Outcome, str, str]:
    """The outcome, the sender and the subject (what could be read of them)."""
    if isinstance(reading, TooLarge):
        _tell_too_large(message, reading)
        return quarantined(f"Too large: {reading.reason}."), reading.from_address, reading.subject
    if isinstance(reading, Unparseable):
        reason = f"Unparseable: {reading.reason}."
        return quarantined(reason), reading.from_address, reading.subject
    if ours:
        outcome = Outcome(InboundStatus.RECORDED, "Our own mail came back (loop header).")
    else:
        try:
            # A refusal undoes whatever the routing did before it: nothing half-added.
            with use_case():
                outcome = _routed(message, reading)
        except (ValidationFailed, NotAllowed, InvalidTransition) as refusal:
            outcome = quarantined(f"Refused by the desk: {refusal}")
    return outcome, reading.from_address, reading.subject


def _is_our_loop(raw: bytes) -> bool:
    """Our loop header with our marker: another desk's loop mail is mail like any other."""
    fields = BytesHeaderParser(policy=compat32).parsebytes(header_block(raw))
    return any(str(value).strip() == loop_marker() for value in fields.get_all(LOOP_HEADER, []))


def _tell_too_large(message: InboundMessage, refusal: TooLarge) -> None:
    """One notice to a person who sent mail too large to take in; never to a program."""
    if refusal.automatic or not refusal.from_address:
        return
    try:
        validate_email(refusal.from_address)
    except ValidationError:
        return
    notify_address(
        event=NotificationEvent.MAIL_REFUSED,
        to_email=refusal.from_address,
        cause=f"inbound:{message.pk}",
        context={
            "subject": refusal.subject or "(no subject)",
            "size_mb": round(message.size / 2**20, 1),
            "limit_mb": LIMITS.max_bytes // 2**20,
        },
    )


def _routed(message: InboundMessage, parsed: ParsedMessage) -> Outcome:
    if parsed.bounce is not None:
        return Outcome(InboundStatus.RECORDED, record_bounce(parsed.bounce))
    sender = known_sender(parsed.from_address)
    ticket = thread_of(parsed)
    if parsed.automatic:
        return _automatic(message, parsed, sender, ticket)
    if ticket is not None:
        return _reply(message, parsed, sender, ticket)
    return _new_ticket(message, parsed, sender)


def known_sender(address: str) -> User | None:
    """The active user whose address is the From address (any case); Reply-To never counts."""
    if not address:
        return None
    people = with_email(address).select_related("institution").filter(is_active=True)
    return people.order_by("pk").first()


def _automatic(
    message: InboundMessage, parsed: ParsedMessage, sender: User | None, ticket: Ticket | None
) -> Outcome:
    reason = f"Automatic mail ({parsed.automatic}): recorded, not answered."
    if ticket is None or sender is None or not access.can_write_by_mail(sender, ticket):
        return Outcome(InboundStatus.RECORDED, reason)
    record_automatic_mail(message, parsed, ticket=ticket, author=sender)
    return Outcome(InboundStatus.RECORDED, reason, ticket)


def _reply(
    message: InboundMessage, parsed: ParsedMessage, sender: User | None, ticket: Ticket
) -> Outcome:
    if sender is None or not access.can_write_by_mail(sender, ticket):
        return _not_a_participant(message, parsed, sender, ticket)
    closed = ticket.status == Status.CLOSED or (
        ticket.status == Status.RESOLVED and not can_still_reopen(ticket)
    )
    if closed and access.is_agent(sender):
        return quarantined(f"{ticket.reference} is closed; support staff mail cannot reopen it.")
    if closed:
        return _new_ticket(message, parsed, sender, follows=ticket)
    attach_mail_to_ticket(message, parsed, ticket=ticket, author=sender)
    return Outcome(InboundStatus.REPLY_ADDED, ticket=ticket)


def _not_a_participant(
    message: InboundMessage, parsed: ParsedMessage, sender: User | None, ticket: Ticket
) -> Outcome:
    """Mail naming a ticket its sender has no part in: never onto that ticket."""
    logger.warning(
        "Inbound message %s from %r names %s, whose participant the sender is not",
        message.pk,
        parsed.from_address,
        ticket.reference,
    )
    if sender is not None and sender.institution_id not in (None, ticket.institution_id):
        return quarantined(f"Names {ticket.reference}, a ticket of another institution.")
    if sender is None:
        return quarantined(f"Names {ticket.reference}, but the sender is not one of its people.")
    outcome = _new_ticket(message, parsed, sender)
    note = f"Named {ticket.reference}, whose participant the sender is not."
    return Outcome(outcome.status, f"{note} {outcome.reason}".strip(), outcome.ticket)


def _new_ticket(
    message: InboundMessage,
    parsed: ParsedMessage,
    sender: User | None,
    *,
    follows: Ticket | None = None,
) -> Outcome:
    if sender is None:
        sender_or_outcome = _unknown_sender(parsed)
        if isinstance(sender_or_outcome, Outcome):
            return sender_or_outcome
        sender = sender_or_outcome
    if sender.institution is None:
        return quarantined("Support staff mail that names no ticket opens none.")
    if _rate_limited(parsed.from_address):
        return quarantined("Rate limited: too many new tickets from this sender in the hour.")
    ticket = open_ticket_from_mail(
        message, parsed, sender=sender, institution=sender.institution, follows=follows
    )
    return Outcome(InboundStatus.TICKET_OPENED, ticket=ticket)


def _unknown_sender(parsed: ParsedMessage) -> User | Outcome:
    """A requester for an unknown sender of a registered domain (if the institution says
    so); otherwise the outcome that holds or quarantines the mail."""
    domain = parsed.from_address.rpartition("@")[2].lower()
    registered = MailDomain.objects.select_related("institution").filter(domain=domain).first()
    if registered is None:
        return quarantined("Unknown sender, from no institution's mail domain.")
    institution = registered.institution
    if institution.unknown_senders != UnknownSenders.CREATE_REQUESTER:
        return quarantined(f"Held for review: unknown sender from {institution}'s mail domain.")
    try:
        return create_user(
            username=parsed.from_address.lower(),
            email=parsed.from_address,
            password=None,
            roles=[Role.REQUESTER],
            institution=institution,
            first_name=parsed.from_name[:150],
        )
    except ValidationFailed as refusal:
        return quarantined(f"Held for review: no requester could be created ({refusal}).")


def _rate_limited(address: str) -> bool:
    """Whether ``address`` opened its hour's allowance of tickets by mail already.

    Senders are stored as parsed, in lower case, so an exact match on the partial index
    ``inbound_opened_by_sender`` answers it without reading the whole mail store."""
    limit: int = settings.HYPERCARE_MAIL_TICKETS_PER_HOUR
    opened = InboundMessage.objects.filter(
        sender=address.lower(),
        status=InboundStatus.TICKET_OPENED,
        processed_at__gte=clock.now() - timedelta(hours=1),
    ).count()
    return opened >= limit

"""Read queries of the email channel, scoped by the access policy."""

from dataclasses import dataclass

from django.db.models import QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.accounts.selectors import PEOPLE_ORDER
from hypercare.errors import NotFound, ValidationFailed
from hypercare.mail.choices import InboundStatus
from hypercare.mail.models import InboundMessage, Mailbox, QuarantineAction
from hypercare.mail.parsing import ParsedMessage, Unparseable, parse_message
from hypercare.orgs.selectors import visible_institutions
from hypercare.tickets.models import Ticket, TicketEvent
from hypercare.tickets.selectors import get_visible_ticket_by_ref

NO_MESSAGE = "No such message."
NO_QUARANTINE = "No such page."


@dataclass(frozen=True)
class QuarantineFilters:
    """Narrow the quarantine: ``reason`` is a phrase the reason contains."""

    reason: str = ""
    mailbox: int | None = None


def with_shown_messages(events: QuerySet[TicketEvent]) -> QuerySet[TicketEvent]:
    """A timeline's ``events`` with the received messages kept to show their inline
    images, fetched in the same query (the ticket pages pin their query counts)."""
    return events.select_related("shown_message")


def visible_messages(user: User) -> QuerySet[InboundMessage]:
    """Every received message ``user`` may see (none, unless they manage the quarantine)."""
    return InboundMessage.objects.filter(access.inbound_message_scope(user))


def quarantine(user: User, filters: QuarantineFilters) -> QuerySet[InboundMessage]:
    """The quarantined messages, newest first, without their raw bytes (a list never needs
    them, and one message may be megabytes). NotFound for whoever may not see the
    quarantine: for them it does not exist, not even as an empty list."""
    if not access.can_manage_quarantine(user):
        raise NotFound(NO_QUARANTINE)
    messages = visible_messages(user).filter(status=InboundStatus.QUARANTINED)
    if filters.reason:
        messages = messages.filter(reason__icontains=filters.reason)
    if filters.mailbox is not None:
        messages = messages.filter(mailbox_id=filters.mailbox)
    return messages.select_related("mailbox").defer("raw")


def quarantine_count(user: User) -> int:
    """How many messages wait in the quarantine; 0 for whoever may not see it."""
    if not access.can_manage_quarantine(user):
        return 0
    return InboundMessage.objects.filter(status=InboundStatus.QUARANTINED).count()


def get_visible_message(user: User, pk: int) -> InboundMessage:
    """One received message with its raw bytes, or NotFound when ``user`` may not see it."""
    message = visible_messages(user).select_related("mailbox", "ticket").filter(pk=pk).first()
    if message is None:
        raise NotFound(NO_MESSAGE)
    return message


def quarantine_actions(message: InboundMessage) -> QuerySet[QuarantineAction]:
    """What people did with ``message``, oldest first, with who did it."""
    return message.actions.select_related("actor", "ticket")


def mailboxes() -> QuerySet[Mailbox]:
    """Every mailbox, to filter the quarantine by (a manager configures them all)."""
    return Mailbox.objects.order_by("name")


@dataclass(frozen=True)
class Reading:
    """A message as parsed, or why it cannot be (``problem``)."""

    parsed: ParsedMessage | None
    problem: str


def read_message(message: InboundMessage) -> Reading:
    """Parse ``message`` again for a person to read it; the parser is bounded in time and
    memory, so a hostile message gives a problem, not a hang."""
    try:
        return Reading(parse_message(bytes(message.raw)), "")
    except Unparseable as refusal:
        return Reading(None, refusal.reason)


def raw_file_name(message: InboundMessage) -> str:
    """A file name safe in any header and on any disk: only the message's number."""
    return f"message-{message.pk}.eml"


@dataclass(frozen=True)
class MessageDetail:
    """A message for its quarantine page: itself, as read, and what people did with it."""

    message: InboundMessage
    reading: Reading
    actions: list[QuarantineAction]


def message_detail(user: User, pk: int) -> MessageDetail:
    """The message ``user`` may see, read again, with its actions; NotFound otherwise."""
    message = get_visible_message(user, pk)
    return MessageDetail(message, read_message(message), list(quarantine_actions(message)))


def requesters(user: User) -> QuerySet[User]:
    """Whom a ticket opened from a quarantined message may be for: every active person
    of an institution ``user`` may see, with their institution."""
    if not access.can_manage_quarantine(user):
        return User.objects.none()
    people = User.objects.filter(is_active=True, institution__in=visible_institutions(user))
    return people.select_related("institution").order_by("institution__name", *PEOPLE_ORDER)


def named_ticket(user: User, reference: str) -> Ticket:
    """The ticket a manager named to attach a message to, refused by the field's name
    when ``user`` can see none by that reference."""
    try:
        return get_visible_ticket_by_ref(user, reference.strip())
    except NotFound:
        raise ValidationFailed({"ticket": "no such ticket"}) from None


def raw_message(user: User, pk: int) -> InboundMessage:
    """A received message with its raw source, for support staff only: to anyone else it
    does not exist (NotFound), since its headers and parts are not the ticket's text.

    Only a message that reached a ticket is linked from a timeline; one that did not (a
    quarantined one may hold anyone's data) is for quarantine managers alone."""
    message = InboundMessage.objects.filter(pk=pk).first()
    if message is None or not access.can_read_raw_mail(user):
        raise NotFound(NO_MESSAGE)
    if message.ticket_id is None and not access.can_manage_quarantine(user):
        raise NotFound(NO_MESSAGE)
    return message

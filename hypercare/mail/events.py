"""The mail app's timeline events, and how each reads."""

from datetime import datetime

from hypercare.accounts.models import User
from hypercare.mail.choices import MailEventKind
from hypercare.mail.models import InboundMessage
from hypercare.tickets.event_kinds import Sentence
from hypercare.tickets.events import append
from hypercare.tickets.models import Ticket, TicketEvent


def record_received(
    ticket: Ticket,
    actor: User | None,
    at: datetime,
    message: InboundMessage,
    *,
    collapsed: str,
    reason: str = "",
) -> TicketEvent:
    """The message arrived by email. ``new_value`` holds the stored message's id, so
    support staff can open its raw source; ``body`` keeps the quoted history and the
    signature, which the timeline shows collapsed; ``reason`` says what was not done
    (automatic mail not answered, files not attached, the ticket it follows up)."""
    return append(
        ticket,
        MailEventKind.EMAIL_RECEIVED,
        actor,
        at,
        body=collapsed,
        new_value=str(message.pk),
        reason=reason,
    )


SENTENCES: dict[str, Sentence] = {
    MailEventKind.EMAIL_RECEIVED: lambda actor, event: (
        f"{actor} wrote by email" if event.actor_id else "A message was received by email"
    ),
}

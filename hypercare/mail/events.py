"""The mail app's timeline events, and how each reads."""

from collections.abc import Sequence
from datetime import datetime

from hypercare.accounts.models import User
from hypercare.mail.choices import MailEventKind
from hypercare.mail.models import InboundMessage, ShownMessage
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
    html: str = "",
    text: str = "",
    images: Sequence[tuple[str, int]] = (),
) -> TicketEvent:
    """The message arrived by email. ``new_value`` holds the stored message's id, so
    support staff can open its raw source; ``body`` keeps the quoted history and the
    signature, which the timeline shows collapsed; ``reason`` says what was not done
    (automatic mail not answered, files not attached, the ticket it follows up).
    ``images``: its inline images as (Content-ID, attachment id); when there are any, the
    message's sanitised ``html`` or its ``text`` is kept with them to show them in place."""
    event = append(
        ticket,
        MailEventKind.EMAIL_RECEIVED,
        actor,
        at,
        body=collapsed,
        new_value=str(message.pk),
        reason=reason,
    )
    if images:
        ShownMessage.objects.create(event=event, html=html, text=text, images=list(images))
    return event


SENTENCES: dict[str, Sentence] = {
    MailEventKind.EMAIL_RECEIVED: lambda actor, event: (
        f"{actor} wrote by email" if event.actor_id else "A message was received by email"
    ),
}

"""A macro's one summary entry on a ticket's timeline. Each step's own event stays too
(they drive the notifications); this entry says they came from one macro."""

from datetime import datetime

from hypercare.accounts.models import User
from hypercare.macros.choices import MacroEventKind
from hypercare.tickets.event_kinds import Sentence
from hypercare.tickets.events import append
from hypercare.tickets.models import Ticket, TicketEvent


def record_applied(
    ticket: Ticket, actor: User, at: datetime, name: str, done: list[str]
) -> TicketEvent:
    return append(
        ticket,
        MacroEventKind.MACRO_APPLIED,
        actor,
        at,
        is_internal=True,
        new_value=name,
        body="; ".join(done) + ".",
    )


SENTENCES: dict[str, Sentence] = {
    MacroEventKind.MACRO_APPLIED: lambda actor, event: (
        f"{actor} applied the macro “{event.new_value}”"
    ),
}

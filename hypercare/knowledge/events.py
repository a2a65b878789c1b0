"""Training-gap flags on the ticket's timeline, written by the knowledge services."""

from datetime import datetime

from hypercare.accounts.models import User
from hypercare.knowledge.choices import KnowledgeTicketEventKind
from hypercare.knowledge.models import TrainingGap
from hypercare.tickets.event_kinds import Sentence
from hypercare.tickets.events import append
from hypercare.tickets.models import Ticket, TicketEvent


def record_flagged(gap: TrainingGap, actor: User, at: datetime) -> TicketEvent:
    return append(
        gap.ticket,
        KnowledgeTicketEventKind.TRAINING_GAP_FLAGGED,
        actor,
        at,
        is_internal=True,
        new_value=f"{gap.topic} ({gap.erp_role})",
        body=gap.note,
    )


def record_cleared(ticket: Ticket, actor: User, at: datetime, was: str) -> TicketEvent:
    return append(
        ticket,
        KnowledgeTicketEventKind.TRAINING_GAP_CLEARED,
        actor,
        at,
        is_internal=True,
        old_value=was,
    )


SENTENCES: dict[str, Sentence] = {
    KnowledgeTicketEventKind.TRAINING_GAP_FLAGGED: lambda actor, event: (
        f"{actor} flagged a training gap: {event.new_value}"
    ),
    KnowledgeTicketEventKind.TRAINING_GAP_CLEARED: lambda actor, event: (
        f"{actor} cleared the training-gap flag ({event.old_value})"
    ),
}

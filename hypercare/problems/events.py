"""A problem's history, and its steps on its tickets' timelines. Called only by the
problem services, inside their transaction.

On a ticket, linking and unlinking are internal (they name the problem, which may name
other institutions); the workaround and the shipped fix are public and name no problem.
"""

from collections.abc import Sequence
from datetime import datetime

from hypercare.accounts.models import User
from hypercare.problems.choices import ProblemEventKind, ProblemStatus, ProblemTicketEventKind
from hypercare.problems.models import Problem, ProblemEvent
from hypercare.tickets.event_kinds import Sentence, label_of
from hypercare.tickets.events import VALUE_LENGTH, append
from hypercare.tickets.models import Ticket, TicketEvent


def record(
    problem: Problem,
    kind: str,
    actor: User | None,
    at: datetime,
    *,
    ticket: Ticket | None = None,
    old_value: str = "",
    new_value: str = "",
    body: str = "",
) -> ProblemEvent:
    """One step of the problem's history."""
    return ProblemEvent.objects.create(
        problem=problem,
        kind=kind,
        actor=actor,
        created_at=at,
        ticket=ticket,
        old_value=old_value[:VALUE_LENGTH],
        new_value=new_value[:VALUE_LENGTH],
        body=body,
    )


def record_linked(problem: Problem, ticket: Ticket, actor: User, at: datetime) -> None:
    record(problem, ProblemEventKind.TICKET_LINKED, actor, at, ticket=ticket)
    append(
        ticket,
        ProblemTicketEventKind.PROBLEM_LINKED,
        actor,
        at,
        is_internal=True,
        new_value=str(problem),
    )


def record_unlinked(problem: Problem, ticket: Ticket, actor: User, at: datetime) -> None:
    record(problem, ProblemEventKind.TICKET_UNLINKED, actor, at, ticket=ticket)
    append(
        ticket,
        ProblemTicketEventKind.PROBLEM_UNLINKED,
        actor,
        at,
        is_internal=True,
        old_value=str(problem),
    )


def record_workaround_posted(ticket: Ticket, actor: User, at: datetime, text: str) -> TicketEvent:
    return append(ticket, ProblemTicketEventKind.WORKAROUND_POSTED, actor, at, body=text)


def record_fix_shipped(
    tickets: Sequence[Ticket], actor: User, at: datetime, version: str
) -> list[TicketEvent]:
    """One public event per ticket told, inserted together."""
    return TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket=ticket,
                kind=ProblemTicketEventKind.PROBLEM_FIX_SHIPPED,
                actor=actor,
                created_at=at,
                new_value=version[:VALUE_LENGTH],
            )
            for ticket in tickets
        ]
    )


TICKET_SENTENCES: dict[str, Sentence] = {
    ProblemTicketEventKind.PROBLEM_LINKED: lambda actor, event: (
        f"{actor} linked the ticket to problem {event.new_value}"
    ),
    ProblemTicketEventKind.PROBLEM_UNLINKED: lambda actor, event: (
        f"{actor} unlinked the ticket from problem {event.old_value}"
    ),
    ProblemTicketEventKind.WORKAROUND_POSTED: lambda actor, event: (
        f"{actor} posted a workaround while the cause is being fixed"
    ),
    ProblemTicketEventKind.PROBLEM_FIX_SHIPPED: lambda actor, event: (
        f"The fix for this issue shipped in release {event.new_value}"
    ),
}


def describe(event: ProblemEvent) -> str:
    """One sentence for a step of the problem's history."""
    actor = event.actor.display_name if event.actor else "Hypercare"
    ticket = event.ticket.reference if event.ticket else "a ticket"
    sentences: dict[str, str] = {
        ProblemEventKind.CREATED: f"{actor} recorded the problem",
        ProblemEventKind.CHANGED: f"{actor} changed {event.new_value}",
        ProblemEventKind.STATUS_CHANGED: (
            f"{actor} moved it from {_status(event.old_value)} to {_status(event.new_value)}"
        ),
        ProblemEventKind.TICKET_LINKED: f"{actor} linked {ticket}",
        ProblemEventKind.TICKET_UNLINKED: f"{actor} unlinked {ticket}",
        ProblemEventKind.INCIDENT_LINKED: f"{actor} linked the major incident {event.new_value}",
        ProblemEventKind.INCIDENT_UNLINKED: (
            f"{actor} unlinked the major incident {event.old_value}"
        ),
        ProblemEventKind.WORKAROUND_PUBLISHED: (
            f"{actor} published the workaround to {event.new_value} ticket(s)"
        ),
        ProblemEventKind.FIX_PLANNED: (
            f"{actor} planned the fix for release {event.new_value}"
            if event.new_value
            else f"{actor} took the fix off release {event.old_value}"
        ),
        ProblemEventKind.FIX_SHIPPED: f"The fix shipped in release {event.new_value}",
    }
    return sentences.get(event.kind, event.kind)


def _status(value: str) -> str:
    return label_of(ProblemStatus, value).lower()

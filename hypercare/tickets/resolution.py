"""What other domains do when a ticket is resolved, in the resolving transaction.

Every resolution (a status change, a reply that resolves, a major incident resolving its
children) passes through ``notices.status_changed``; a domain that acts on it (the
satisfaction survey) registers a step from its ``AppConfig.ready``, so the tickets app
imports none of them.
"""

from collections.abc import Callable

from hypercare.tickets.models import Ticket, TicketEvent

ResolutionStep = Callable[[Ticket, TicketEvent], None]

_steps: list[ResolutionStep] = []


def register(step: ResolutionStep) -> None:
    if step not in _steps:
        _steps.append(step)


def resolved(ticket: Ticket, event: TicketEvent) -> None:
    """Run each registered step for the saved, just resolved ``ticket``."""
    for step in _steps:
        step(ticket, event)

"""Moving a ticket to another tier or team inside the caller's transaction.

One write path for every move: an agent's tier change (``workflow.change_tier``), a team
change, and the SLA policy's bump after a breach all come here, with the ticket row
locked. A move up a tier carries a hand-over note in three parts, so the next tier never
starts from the beginning; a new team means a new owner, picked by the team's
auto-assignment, or the ticket waits unowned in its queue.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from hypercare.accounts.models import User
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.models import Module, Team
from hypercare.tickets import events
from hypercare.tickets.models import Ticket, TicketEvent
from hypercare.tickets.routing import team_for_tier
from hypercare.tickets.services.assignment import assign_in_team

HANDOVER_MAX = 10_000


@dataclass(frozen=True)
class HandOverNote:
    """What goes up with a ticket to the next tier, so nobody starts from the beginning."""

    tried: str
    findings: str
    needed: str


def checked_handover(given: HandOverNote | None) -> HandOverNote:
    """The hand-over note cleaned, or every empty or malformed part refused at once."""
    note = given or HandOverNote("", "", "")
    errors = FieldErrors()
    cleaned = HandOverNote(
        tried=errors.text("handover.tried", note.tried, HANDOVER_MAX),
        findings=errors.text("handover.findings", note.findings, HANDOVER_MAX),
        needed=errors.text("handover.needed", note.needed, HANDOVER_MAX),
    )
    errors.check()
    return cleaned


def team_at_tier(ticket: Ticket, tier: int) -> Team | None:
    """The team the routing rules name for ``ticket`` at ``tier``, or None when none does."""
    return teams_at_tiers(ticket, (tier,))[tier]


def teams_at_tiers(ticket: Ticket, tiers: Iterable[int]) -> dict[int, Team | None]:
    """For each of ``tiers``, the team the routing rules name for ``ticket`` there: what a
    tier move will do, shown before the agent makes it."""
    module_code = Module.objects.get(pk=ticket.module_id).code
    return {
        tier: team_for_tier(
            institution_id=ticket.institution_id,
            module_code=module_code,
            category=ticket.category,
            tier=tier,
        )
        for tier in tiers
    }


def move_tier(
    ticket: Ticket,
    *,
    actor: User | None,
    at: datetime,
    tier: int,
    destination: Team | None,
    handover: HandOverNote | None,
    note: str,
    public: bool,
) -> TicketEvent:
    """Move the locked ``ticket`` to ``tier`` and, with ``destination``, into that team.

    ``handover`` (checked by the caller) goes with a move up; ``note`` is the tier-change
    event's reason, shown to the requester only when ``public``. The caller saves the
    ticket's ``tier``, ``team`` and ``assignee``.
    """
    old = ticket.tier
    ticket.tier = tier
    event = events.record_tier_change(ticket, actor, at, old, tier, note, is_internal=not public)
    if handover is not None:
        events.record_handover(
            event, tried=handover.tried, findings=handover.findings, needed=handover.needed
        )
    if destination is not None and destination.pk != ticket.team_id:
        move_to_team(ticket, actor, at, destination, f"Moved to tier {tier}.")
        assign_in_team(ticket, destination, actor=actor, at=at, keep_owner=False)
    return event


def move_to_team(ticket: Ticket, actor: User | None, at: datetime, team: Team, reason: str) -> None:
    """Put the locked ``ticket`` in ``team``'s queue, on the timeline; owners are the
    caller's to settle (``assign_in_team``)."""
    old = ticket.team.name if ticket.team else ""
    ticket.team = team
    events.record_team_change(ticket, actor, at, old, team.name, reason)

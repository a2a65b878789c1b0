"""Handing a ticket that enters a team's queue to one of its members.

Called inside the intake, tier-change and team-change services, in their transaction,
with the ticket row locked (or about to be created). Round robin and least open work
both pass over members who are off duty or out of office, and both are deterministic:
members are taken in the order of their usernames.
"""

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.accounts.selectors import support_staff
from hypercare.orgs.choices import AutoAssignment
from hypercare.orgs.models import Team
from hypercare.tickets import events
from hypercare.tickets.choices import OPEN_STATUSES
from hypercare.tickets.models import Ticket, TicketEvent
from hypercare.tickets.services import notices


def assign_in_team(
    ticket: Ticket, team: Team, *, actor: User | None, at: datetime, keep_owner: bool
) -> TicketEvent | None:
    """Give ``ticket`` to a member of ``team`` by the team's auto-assignment.

    With auto-assignment off, or nobody available, the ticket waits in the team's queue:
    unowned, unless ``keep_owner`` (a team change keeps its owner; a hand-over to another
    tier does not). The team row is locked while the round-robin turn moves on, so two
    tickets arriving together go to two people.
    """
    chosen = choose_member(team, at)
    if chosen is None:
        if keep_owner or ticket.assignee_id is None:
            return None
        return _set_owner(ticket, None, actor, at, f"Handed over to the {team.name} queue.")
    return _set_owner(ticket, chosen, actor, at, _auto_assigned(team))


def record_first_owner(ticket: Ticket, team: Team, at: datetime) -> TicketEvent | None:
    """Note on a new ticket's timeline the member ``choose_member`` gave it at intake.

    Intake picks the owner before the ticket's row is written, so the row is inserted
    once, whole; the timeline and the owner's notice follow here.
    """
    if ticket.assignee is None:
        return None
    return _record_owner(ticket, None, at, "", _auto_assigned(team))


def _auto_assigned(team: Team) -> str:
    how = AutoAssignment(team.auto_assignment).label.lower()
    return f"Auto-assigned in {team.name} ({how})."


def choose_member(team: Team, at: datetime) -> User | None:
    """The member ``team``'s auto-assignment gives the next ticket to; None when off."""
    if team.auto_assignment == AutoAssignment.OFF:
        return None
    locked = (
        Team.objects.select_for_update(of=("self",))
        .select_related("last_auto_assigned")
        .get(pk=team.pk)
    )
    if locked.auto_assignment == AutoAssignment.ROUND_ROBIN:
        chosen = next_in_turn(locked, at)
        if chosen is not None:
            Team.objects.filter(pk=team.pk).update(last_auto_assigned=chosen)
        return chosen
    return least_open_work(locked, at)


def available_members(team: Team, at: datetime) -> QuerySet[User]:
    """The team's agents who take new tickets at ``at``, by username."""
    return support_staff(*access.AGENT_ROLES, available_at=at).filter(teams=team)


def next_in_turn(team: Team, at: datetime) -> User | None:
    """Round robin: the first available member after the last one given a ticket.

    The turn wraps round to the start; a member who was unavailable at their turn is
    passed over, not owed a ticket later.
    """
    members = list(available_members(team, at))
    if not members:
        return None
    last = team.last_auto_assigned
    if last is not None:
        for member in members:
            if member.username > last.username:
                return member
    return members[0]


def least_open_work(team: Team, at: datetime) -> User | None:
    """The available member who owns the fewest open tickets (anywhere); ties by username."""
    open_work = Count("assigned_tickets", filter=Q(assigned_tickets__status__in=OPEN_STATUSES))
    return (
        available_members(team, at)
        .annotate(open_work=open_work)
        .order_by("open_work", "username")
        .first()
    )


def _set_owner(
    ticket: Ticket, owner: User | None, actor: User | None, at: datetime, reason: str
) -> TicketEvent | None:
    old = ticket.assignee.username if ticket.assignee else ""
    new = owner.username if owner else ""
    if old == new:
        return None
    ticket.assignee = owner
    return _record_owner(ticket, actor, at, old, reason)


def _record_owner(
    ticket: Ticket, actor: User | None, at: datetime, old: str, reason: str
) -> TicketEvent:
    """The timeline event and the new owner's notice for ``ticket.assignee``."""
    new = ticket.assignee.username if ticket.assignee else ""
    event = events.record_assignment(ticket, actor, at, old, new, reason)
    notices.assigned(ticket, event, actor)
    return event

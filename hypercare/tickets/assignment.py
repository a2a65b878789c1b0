"""Who in a team gets the next ticket: round robin or least open work, among those available.

Reads only; ``hypercare.tickets.services.assignment`` applies the choice. Both ways pass
over members who are inactive, off duty or out of office, and both are deterministic:
members are taken in the order of their usernames.
"""

import datetime as dt

from django.db.models import Count, Q, QuerySet

from hypercare import access
from hypercare.accounts.models import RoleGrant, User
from hypercare.orgs.models import Team
from hypercare.orgs.selectors import available_on
from hypercare.tickets.choices import OPEN_STATUSES


def available_members(team: Team, day: dt.date) -> QuerySet[User]:
    """The team's active agents who take new tickets on ``day``, by username."""
    agents = RoleGrant.objects.filter(role__in=access.AGENT_ROLES).values("user_id")
    return (
        User.objects.filter(teams=team, is_active=True, institution__isnull=True, pk__in=agents)
        .filter(available_on(day))
        .order_by("username")
    )


def next_in_turn(team: Team, day: dt.date) -> User | None:
    """Round robin: the first available member after the last one given a ticket.

    The turn wraps round to the start; a member who was unavailable at their turn is
    passed over, not owed a ticket later.
    """
    members = list(available_members(team, day))
    if not members:
        return None
    last = team.last_auto_assigned
    if last is not None:
        for member in members:
            if member.username > last.username:
                return member
    return members[0]


def least_open_work(team: Team, day: dt.date) -> User | None:
    """The available member who owns the fewest open tickets (anywhere); ties by username."""
    open_work = Count("assigned_tickets", filter=Q(assigned_tickets__status__in=OPEN_STATUSES))
    return (
        available_members(team, day)
        .annotate(open_work=open_work)
        .order_by("open_work", "username")
        .first()
    )

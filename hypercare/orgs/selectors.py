"""Read queries for institutions, modules, integrations and teams, scoped to the user."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.orgs.models import AgentAvailability, Institution, Integration, Module, Team
from hypercare.setup_cache import cached, rebuilt


def visible_institutions(user: User) -> QuerySet[Institution]:
    return Institution.objects.filter(access.institution_scope(user))


def get_visible_institution(user: User, pk: int) -> Institution:
    institution = visible_institutions(user).filter(pk=pk).first()
    if institution is None:
        raise NotFound("No such institution.")
    return institution


def visible_modules(user: User) -> QuerySet[Module]:
    return Module.objects.filter(institution__in=visible_institutions(user)).select_related(
        "institution"
    )


def module_by_code(institution: Institution, code: str) -> Module | None:
    """One of ``institution``'s modules by its code, from the setup cache.

    Intake looks the module up on every new ticket; the institution is the caller's
    (already checked), so this is not a visibility question.
    """
    columns = ("id", "institution_id", "code", "name", "is_active")

    def load() -> dict[str, dict[str, object]]:
        rows = Module.objects.filter(institution=institution).values(*columns)
        return {str(row["code"]): row for row in rows}

    values = cached(("modules", institution.pk), load).get(code)
    return None if values is None else rebuilt(Module, values)


def visible_integrations(user: User) -> QuerySet[Integration]:
    return (
        Integration.objects.filter(institution__in=visible_institutions(user))
        .select_related("institution")
        .prefetch_related("contacts")
    )


def teams() -> QuerySet[Team]:
    """Support teams are the desk's own; every signed-in user may know their names."""
    return Team.objects.select_related("lead")


def own_teams(user: User) -> QuerySet[Team]:
    """The teams ``user`` works in (every team, for desk managers): whose saved replies
    they keep and whose queue is theirs."""
    return teams().filter(access.worked_teams(user)).distinct()


def desk_day(at: dt.datetime) -> dt.date:
    """The desk's calendar day at ``at``; out-of-office days are counted in it."""
    return timezone.localdate(at)


def available_on(day: dt.date) -> Q:
    """Agents who take new tickets on ``day``, as a filter on User.

    No availability row means on duty; out of office "until" a day includes that day.
    """
    return ~Q(availability__on_duty=False) & ~Q(availability__out_of_office_until__gte=day)


def agent_availability(user: User) -> QuerySet[AgentAvailability]:
    """Every recorded availability, for support staff only (a desk-internal fact)."""
    if not access.is_agent(user):
        return AgentAvailability.objects.none()
    return AgentAvailability.objects.select_related("agent").order_by("agent__username")

"""Read queries for problems, scoped by the access policy: support staff only."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from hypercare import access
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.selectors import support_staff
from hypercare.errors import NotFound
from hypercare.incidents.models import MajorIncident
from hypercare.incidents.selectors import visible_incidents
from hypercare.problems.choices import ProblemStatus
from hypercare.problems.models import Problem, ProblemEvent, ProblemLink
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import visible_tickets

NO_PROBLEM = "No such problem, or you may not see problems."


@dataclass(frozen=True)
class ProblemFilters:
    text: str = ""
    status: str = ""
    known_error: bool | None = None
    ticket: Ticket | None = None


def visible_problems(user: User) -> QuerySet[Problem]:
    return Problem.objects.filter(access.problem_scope(user))


def problem_list(user: User, filters: ProblemFilters) -> QuerySet[Problem]:
    """The problems ``user`` may see, latest change first, each with ``ticket_count``.

    Text matches every word somewhere in the title, root cause or workaround. A known
    error filter lists those recorded as known errors (``known_error=True``) that are not
    resolved: the list agents search while they triage.
    """
    problems = visible_problems(user)
    for word in filters.text.split():
        problems = problems.filter(
            Q(title__icontains=word) | Q(root_cause__icontains=word) | Q(workaround__icontains=word)
        )
    if filters.status:
        problems = problems.filter(status=filters.status)
    if filters.known_error is True:
        problems = problems.filter(known_error_at__isnull=False).exclude(
            status=ProblemStatus.RESOLVED
        )
    elif filters.known_error is False:
        problems = problems.filter(known_error_at__isnull=True)
    if filters.ticket is not None:
        # A subquery, so the count below still counts every ticket of the problem.
        linked = ProblemLink.objects.filter(ticket=filters.ticket).values("problem_id")
        problems = problems.filter(pk__in=linked)
    return (
        problems.select_related("owner", "release")
        .prefetch_related("modules", "integrations")
        .annotate(ticket_count=Count("links", distinct=True))
    )


def get_visible_problem(user: User, pk: int) -> Problem:
    problem = problem_list(user, ProblemFilters()).filter(pk=pk).first()
    if problem is None:
        raise NotFound(NO_PROBLEM)
    return problem


def problem_tickets(user: User, problem: Problem) -> QuerySet[Ticket]:
    """The tickets linked to the problem that ``user`` may see, oldest first."""
    return (
        visible_tickets(user)
        .filter(problem_links__problem=problem)
        .select_related("institution", "requester")
        .order_by("pk")
    )


def problem_institutions(problem: Problem) -> frozenset[int]:
    """The institutions a problem concerns: those of its modules and of its linked
    tickets. A fact about the problem, read by services that hold it already."""
    of_modules = problem.modules.values_list("institution_id", flat=True)
    of_tickets = Ticket.objects.filter(problem_links__problem=problem).values_list(
        "institution_id", flat=True
    )
    return frozenset(of_modules) | frozenset(of_tickets)


def problem_incidents(user: User, problem: Problem) -> QuerySet[MajorIncident]:
    """The major incidents the problem caused that ``user`` may see, oldest first."""
    seen = visible_problems(user).filter(pk=problem.pk)
    return visible_incidents(user).filter(problems__in=seen).order_by("pk")


def incident_problems(user: User, incident: MajorIncident) -> QuerySet[Problem]:
    """The problems behind a major incident, for its page (nothing for non-staff)."""
    return visible_problems(user).filter(incidents=incident).order_by("pk")


def linkable_incidents(user: User, problem: Problem) -> QuerySet[MajorIncident]:
    """The major incidents not linked to the problem yet, newest first."""
    if not visible_problems(user).filter(pk=problem.pk).exists():
        return MajorIncident.objects.none()
    return visible_incidents(user).exclude(problems=problem).order_by("-started_at", "-pk")


def problem_history(user: User, problem: Problem) -> QuerySet[ProblemEvent]:
    return (
        ProblemEvent.objects.filter(problem__in=visible_problems(user), problem=problem)
        .select_related("actor", "ticket")
        .order_by("created_at", "pk")
    )


def ticket_problems(user: User, ticket: Ticket) -> QuerySet[Problem]:
    """The problems a ticket is linked to, for the ticket page (nothing for non-staff)."""
    return visible_problems(user).filter(links__ticket=ticket).order_by("pk")


def linkable_problems(user: User, ticket: Ticket) -> QuerySet[Problem]:
    """Problems not resolved that the ticket is not linked to yet, latest first."""
    return (
        visible_problems(user)
        .exclude(status=ProblemStatus.RESOLVED)
        .exclude(links__ticket=ticket)
        .order_by("-updated_at", "-pk")
    )


def problem_owners() -> QuerySet[User]:
    """Who may own a problem on the desk: active tier 3 engineers."""
    return support_staff(Role.TIER3)


def can_read_problems(user: User) -> bool:
    """Whether problems exist for ``user`` at all (list and create answer 404 otherwise)."""
    return access.can_work_problems(user)

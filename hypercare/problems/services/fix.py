"""A problem's fix: planned for a release, and shipped with it.

Shipping is the releases' use case; releases know nothing of problems. This app hooks
into it from ``ProblemsConfig``: ``resolve_problems_fixed_in`` is a shipping step
(``releases.sources.on_shipping``), so it runs inside ``ship_release``'s transaction and
the release, its problems and what their requesters are told commit together; and
``problems_fixed_in`` is an item source of the release notes (``sources.register``).
"""

from collections.abc import Iterator
from datetime import datetime

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.problems import events, notices
from hypercare.problems.choices import ProblemEventKind, ProblemStatus
from hypercare.problems.models import Problem
from hypercare.problems.services.common import WORK_REFUSED, lock, set_status
from hypercare.releases.models import Release
from hypercare.releases.sources import Shipment, SourcedItem
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import require


def plan_problem_fix(*, problem: Problem, actor: User, release: Release | None) -> Problem:
    """Plan the fix for a release not shipped yet (the problem's status is then Fix
    planned), move it to another, or (None) take it off: back to known error, or to
    investigating if it never was one. The release is locked before the problem, the
    order shipping takes them in."""
    require(access.can_work_problems(actor), WORK_REFUSED)
    with use_case():
        if release is not None:
            release = Release.objects.select_for_update().get(pk=release.pk)
        problem = lock(problem)
        current = problem.release if problem.status == ProblemStatus.FIX_PLANNED else None
        if current == release:
            return problem
        if problem.status == ProblemStatus.RESOLVED:
            raise InvalidTransition("The problem is resolved; investigate it again first.")
        if release is not None and release.is_shipped:
            raise InvalidTransition(
                f"Release {release.version} has shipped; plan the fix for a later one."
            )
        at = clock.now()
        if release is None:
            back = (
                ProblemStatus.KNOWN_ERROR if problem.is_known_error else ProblemStatus.INVESTIGATING
            )
            set_status(problem, back, actor, at)
        else:
            set_status(problem, ProblemStatus.FIX_PLANNED, actor, at)
            problem.release = release
        problem.updated_at = at
        problem.save()
        events.record(
            problem,
            ProblemEventKind.FIX_PLANNED,
            actor,
            at,
            old_value=current.version if current else "",
            new_value=release.version if release else "",
        )
    return problem


def resolve_problems_fixed_in(shipment: Shipment) -> None:
    """Shipping's step for problems: each problem whose fix was planned for the release
    is resolved, and the requester side of each of its tickets not closed hears "fixed
    in release X" once. A ticket planned for the release itself was told by shipping, and
    a ticket linked to two of its problems is told once."""
    at = shipment.at
    problems = list(
        Problem.objects.select_for_update()
        .filter(release=shipment.release, status=ProblemStatus.FIX_PLANNED)
        .order_by("pk")
    )
    if not problems:
        return
    for problem in problems:
        _resolve(problem, shipment.actor, at, shipment.release.version)
    tickets = list(
        Ticket.objects.filter(problem_links__problem__in=problems)
        .exclude(status=Status.CLOSED)
        .exclude(pk__in=shipment.told)
        .select_related("requester", "reported_by")
        .distinct()
        .order_by("pk")
    )
    told = events.record_fix_shipped(tickets, shipment.actor, at, shipment.release.version)
    Ticket.objects.filter(pk__in=[ticket.pk for ticket in tickets]).update(updated_at=at)
    notices.fix_shipped(list(zip(tickets, told, strict=True)), shipment.release.version)


def _resolve(problem: Problem, actor: User, at: datetime, version: str) -> None:
    set_status(problem, ProblemStatus.RESOLVED, actor, at)
    problem.updated_at = at
    problem.save()
    events.record(problem, ProblemEventKind.FIX_SHIPPED, actor, at, new_value=version)


def problems_fixed_in(release: Release) -> Iterator[SourcedItem]:
    """The release notes' items for the problems whose fix the release ships: the
    problem's title, under its first module, concerning the institutions of its linked
    tickets. The problem's reference is left out: institution users never see problems,
    only what the manager words for them here."""
    problems = (
        Problem.objects.filter(release=release)
        .prefetch_related("modules", "links__ticket")
        .order_by("pk")
    )
    for problem in problems:
        modules = sorted(module.code for module in problem.modules.all())
        yield SourcedItem(
            key=str(problem.pk),
            module=modules[0] if modules else "",
            reference="",
            text=problem.title,
            institution_ids=frozenset(link.ticket.institution_id for link in problem.links.all()),
        )

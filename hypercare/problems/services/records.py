"""Recording a problem, describing it, moving it along, and linking tickets to it."""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, ValidationFailed
from hypercare.incidents.models import MajorIncident
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import EMPTY, FieldErrors
from hypercare.orgs.models import Integration, Module
from hypercare.problems import events
from hypercare.problems.choices import ALLOWED_TRANSITIONS, ProblemEventKind, ProblemStatus
from hypercare.problems.models import NAME_MAX, TITLE_MAX, Problem, ProblemLink
from hypercare.problems.services.common import WORK_REFUSED, lock, set_status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import require

TEXT_MAX = 20_000
NOT_TIER3 = "must be an active tier 3 engineer"
ONE_OWNER = "name a tier 3 owner or a vendor contact, not both"
# Entering the known-error status needs what makes an error known.
KNOWN_ERROR_NEEDS = ("root_cause", "workaround")


@dataclass(frozen=True)
class ProblemDetails:
    """What an agent writes about a problem; the same whole set on creation and update."""

    title: str
    modules: Sequence[Module] = ()
    integrations: Sequence[Integration] = ()
    root_cause: str = ""
    workaround: str = ""
    owner: User | None = None
    vendor_contact_name: str = ""
    vendor_contact_email: str = ""

    @classmethod
    def of(cls, problem: Problem) -> "ProblemDetails":
        """The problem's details as they stand, for an update that changes some."""
        return cls(
            title=problem.title,
            modules=list(problem.modules.all()),
            integrations=list(problem.integrations.all()),
            root_cause=problem.root_cause,
            workaround=problem.workaround,
            owner=problem.owner,
            vendor_contact_name=problem.vendor_contact_name,
            vendor_contact_email=problem.vendor_contact_email,
        )


def _checked(details: ProblemDetails) -> ProblemDetails:
    """Every field's problem at once; the cleaned details otherwise."""
    errors = FieldErrors()
    name = errors.line("vendor_contact_name", details.vendor_contact_name, NAME_MAX, required=False)
    email = details.vendor_contact_email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.add("vendor_contact_email", "Enter a valid email address")
    if name and not email:
        errors.add("vendor_contact_email", "give the vendor contact's email address")
    if email and not name:
        errors.add("vendor_contact_name", "give the vendor contact's name")
    if details.owner is not None:
        if name:
            errors.add("owner", ONE_OWNER)
        elif not access.can_own_problem(details.owner):
            errors.add("owner", NOT_TIER3)
    cleaned = ProblemDetails(
        title=errors.line("title", details.title, TITLE_MAX),
        modules=list(details.modules),
        integrations=list(details.integrations),
        root_cause=errors.text("root_cause", details.root_cause, TEXT_MAX, required=False),
        workaround=errors.text("workaround", details.workaround, TEXT_MAX, required=False),
        owner=details.owner,
        vendor_contact_name=name,
        vendor_contact_email=email,
    )
    errors.check()
    return cleaned


def _write(problem: Problem, details: ProblemDetails) -> None:
    for name in ("title", "root_cause", "workaround", "owner"):
        setattr(problem, name, getattr(details, name))
    problem.vendor_contact_name = details.vendor_contact_name
    problem.vendor_contact_email = details.vendor_contact_email


def create_problem(
    *, actor: User, details: ProblemDetails, tickets: Sequence[Ticket] = ()
) -> Problem:
    """A new problem, linked to ``tickets`` (from a ticket's page, or several ticked in
    the queue). With no module named, it takes the linked tickets' modules."""
    require(access.can_work_problems(actor), WORK_REFUSED)
    details = _checked(details)
    modules = list(details.modules) or list({ticket.module for ticket in tickets if ticket.module})
    with use_case():
        at = clock.now()
        problem = Problem(created_by=actor, created_at=at, updated_at=at)
        _write(problem, details)
        problem.save()
        problem.modules.set(modules)
        problem.integrations.set(details.integrations)
        events.record(problem, ProblemEventKind.CREATED, actor, at, new_value=problem.title)
        for ticket in sorted(set(tickets), key=lambda ticket: ticket.pk):
            _link(problem, ticket, actor, at)
    return problem


def update_problem(*, problem: Problem, actor: User, details: ProblemDetails) -> Problem:
    """Change what is written about the problem; its history names the fields changed."""
    require(access.can_work_problems(actor), WORK_REFUSED)
    details = _checked(details)
    with use_case():
        problem = lock(problem)
        before = ProblemDetails.of(problem)
        changed = [
            item.name.replace("_", " ")
            for item in fields(ProblemDetails)
            if _comparable(getattr(before, item.name)) != _comparable(getattr(details, item.name))
        ]
        if not changed:
            return problem
        at = clock.now()
        _write(problem, details)
        problem.updated_at = at
        problem.save()
        problem.modules.set(details.modules)
        problem.integrations.set(details.integrations)
        events.record(problem, ProblemEventKind.CHANGED, actor, at, new_value=", ".join(changed))
    return problem


def _comparable(value: object) -> object:
    if isinstance(value, list | tuple):
        return sorted(item.pk for item in value)
    return value


def change_problem_status(
    *, problem: Problem, actor: User, status: str, reason: str = ""
) -> Problem:
    """Move the problem along its transition table.

    A fix is planned by planning it for a release (``fix.plan_problem_fix``), never by
    status alone. A known error has its root cause and workaround written down.
    """
    require(access.can_work_problems(actor), WORK_REFUSED)
    errors = FieldErrors()
    errors.choice("status", status, ProblemStatus.values)
    if status == ProblemStatus.FIX_PLANNED:
        errors.add("status", "plan the fix for a release to set Fix planned")
    reason = errors.text("reason", reason, 2000, required=False)
    errors.check()
    with use_case():
        problem = lock(problem)
        if status == problem.status:
            return problem
        if status not in ALLOWED_TRANSITIONS[problem.status]:
            raise InvalidTransition(
                f"A problem cannot go from {problem.get_status_display()} to "
                f"{ProblemStatus(status).label}."
            )
        if status == ProblemStatus.KNOWN_ERROR:
            missing = {name: EMPTY for name in KNOWN_ERROR_NEEDS if not getattr(problem, name)}
            if missing:
                raise ValidationFailed(missing)
        at = clock.now()
        set_status(problem, status, actor, at, reason)
        problem.updated_at = at
        problem.save()
    return problem


def link_ticket(*, problem: Problem, ticket: Ticket, actor: User) -> Problem:
    """Link one more ticket; on the ticket's timeline (internal) and the problem's history."""
    require(access.can_work_problems(actor), WORK_REFUSED)
    require(access.can_see_ticket(actor, ticket), WORK_REFUSED)
    with use_case():
        problem = lock(problem)
        if ProblemLink.objects.filter(problem=problem, ticket=ticket).exists():
            raise InvalidTransition(f"{ticket.reference} is already linked to this problem.")
        at = clock.now()
        _link(problem, ticket, actor, at)
        problem.updated_at = at
        problem.save(update_fields=["updated_at"])
    return problem


def _link(problem: Problem, ticket: Ticket, actor: User, at: datetime) -> None:
    ProblemLink.objects.create(problem=problem, ticket=ticket, linked_by=actor, linked_at=at)
    events.record_linked(problem, ticket, actor, at)


def unlink_ticket(*, problem: Problem, ticket: Ticket, actor: User) -> Problem:
    """Take a ticket off the problem; what was posted to it stays on its timeline."""
    require(access.can_work_problems(actor), WORK_REFUSED)
    with use_case():
        problem = lock(problem)
        removed, _ = ProblemLink.objects.filter(problem=problem, ticket=ticket).delete()
        if not removed:
            raise InvalidTransition(f"{ticket.reference} is not linked to this problem.")
        at = clock.now()
        events.record_unlinked(problem, ticket, actor, at)
        problem.updated_at = at
        problem.save(update_fields=["updated_at"])
    return problem


def link_incident(*, problem: Problem, incident: MajorIncident, actor: User) -> Problem:
    """Name a major incident the problem caused; on the problem's history."""
    require(access.can_work_problems(actor), WORK_REFUSED)
    with use_case():
        problem = lock(problem)
        if problem.incidents.filter(pk=incident.pk).exists():
            raise InvalidTransition(f"{incident} is already linked to this problem.")
        at = clock.now()
        problem.incidents.add(incident)
        events.record(
            problem, ProblemEventKind.INCIDENT_LINKED, actor, at, new_value=str(incident)[:200]
        )
        problem.updated_at = at
        problem.save(update_fields=["updated_at"])
    return problem


def unlink_incident(*, problem: Problem, incident: MajorIncident, actor: User) -> Problem:
    """Take a major incident off the problem; on the problem's history."""
    require(access.can_work_problems(actor), WORK_REFUSED)
    with use_case():
        problem = lock(problem)
        if not problem.incidents.filter(pk=incident.pk).exists():
            raise InvalidTransition(f"{incident} is not linked to this problem.")
        at = clock.now()
        problem.incidents.remove(incident)
        named = str(incident)[:200]
        events.record(problem, ProblemEventKind.INCIDENT_UNLINKED, actor, at, old_value=named)
        problem.updated_at = at
        problem.save(update_fields=["updated_at"])
    return problem

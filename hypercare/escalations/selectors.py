"""Read queries for escalations, scoped by the access policy, and who should manage one."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet

from hypercare import access
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.selectors import support_staff
from hypercare.errors import NotFound
from hypercare.escalations.choices import (
    OPEN_ESCALATION_STATUSES,
    EscalationLevel,
    EscalationStep,
)
from hypercare.escalations.models import Escalation, EscalationRule
from hypercare.tickets.choices import OPEN_STATUSES, Status
from hypercare.tickets.models import Ticket

LIST_RELATED = (
    "ticket__institution",
    "ticket__module",
    "manager",
    "requested_by",
    "de_escalated_by",
)


def visible_escalations(user: User) -> QuerySet[Escalation]:
    """Every escalation of a ticket ``user`` may see, newest first."""
    return Escalation.objects.filter(access.escalation_scope(user)).select_related(*LIST_RELATED)


def get_visible_escalation(user: User, pk: int) -> Escalation:
    escalation = visible_escalations(user).filter(pk=pk).first()
    if escalation is None:
        raise NotFound("No such escalation.")
    return escalation


def ticket_escalations(user: User, ticket: Ticket) -> QuerySet[Escalation]:
    """The escalations of one ticket, the open one (if any) first."""
    return visible_escalations(user).filter(ticket=ticket)


def open_escalation(user: User, ticket: Ticket) -> Escalation | None:
    return ticket_escalations(user, ticket).filter(status__in=OPEN_ESCALATION_STATUSES).first()


def open_escalations(user: User) -> QuerySet[Escalation]:
    """The daily review: every open escalation ``user`` may see, the most pressing first."""
    return _most_pressing_first(visible_escalations(user))


@dataclass(frozen=True)
class DailyReview:
    """The daily review in two parts: the escalations of tickets still being worked on, and
    those whose ticket is resolved or closed, which are only waiting to be de-escalated."""

    working: list[Escalation]
    ticket_done: list[Escalation]


def escalation_review(user: User, *, managed_by: User | None = None) -> DailyReview:
    """Every open escalation ``user`` may see (or only ``managed_by``'s), overdue updates
    first, with the escalations of resolved and closed tickets set apart."""
    escalations = open_escalations(user)
    if managed_by is not None:
        escalations = escalations.filter(manager=managed_by)
    rows = list(escalations)
    return DailyReview(
        working=[row for row in rows if row.ticket.status in OPEN_STATUSES],
        ticket_done=[row for row in rows if row.ticket.status not in OPEN_STATUSES],
    )


def desk_open_escalations() -> QuerySet[Escalation]:
    """Every open escalation, for the desk's own daily digest to its escalation managers."""
    return _most_pressing_first(Escalation.objects.select_related(*LIST_RELATED))


def _most_pressing_first(escalations: QuerySet[Escalation]) -> QuerySet[Escalation]:
    """Overdue and soonest-due updates lead, then by age.

    Every related row the review shows is joined in, so a review costs the same however
    many escalations are open.
    """
    return escalations.filter(status__in=OPEN_ESCALATION_STATUSES).order_by(
        F("next_update_due_at").asc(nulls_last=True), "requested_at", "pk"
    )


def escalation_managers(at: datetime | None = None) -> QuerySet[User]:
    """Active escalation managers; with ``at``, only those on duty and in the office then."""
    return support_staff(Role.ESCALATION_MANAGER, available_at=at)


def choose_manager(ticket: Ticket, at: datetime) -> tuple[User | None, str]:
    """The escalation manager for ``ticket`` and how they were chosen.

    The most specific escalation rule for the ticket's institution and module wins, then
    the lowest position, as long as its manager is available; otherwise the available
    escalation manager with the fewest open escalations (ties by username).
    """
    available = escalation_managers(at)
    module_code = ticket.module.code
    rules = [
        rule
        for rule in EscalationRule.objects.filter(manager__in=available).select_related(
            "manager", "institution"
        )
        if rule.institution_id in (None, ticket.institution_id)
        and rule.module_code in ("", module_code)
    ]
    if rules:
        best = max(rules, key=lambda rule: bool(rule.institution_id) + bool(rule.module_code))
        return best.manager, f"By the escalation rule: {best}."
    open_work = Count(
        "managed_escalations",
        filter=Q(managed_escalations__status__in=OPEN_ESCALATION_STATUSES),
    )
    least_loaded = available.annotate(load=open_work).order_by("load", "username").first()
    if least_loaded is None:
        return None, ""
    return least_loaded, "The escalation manager with the fewest open escalations."


def next_steps(user: User, ticket: Ticket, escalation: Escalation | None) -> list[EscalationStep]:
    """The steps ``user`` may take on ``ticket`` now, in the order of the process.

    Without an open escalation, only a request (not on a closed ticket). With one, its
    handlers name the manager, then record the plans and post updates; the level can be
    raised by whoever may raise it one step; de-escalation needs a manager and a plan.
    The services refuse anything else all the same: this is what a page or a client
    offers.
    """
    if escalation is None:
        allowed = ticket.status != Status.CLOSED and access.can_request_escalation(user, ticket)
        return [EscalationStep.REQUEST] if allowed else []
    steps = []
    if access.can_handle_escalation(user):
        steps.append(EscalationStep.MANAGER)
        if escalation.manager_id is not None:
            steps += [
                EscalationStep.ACTION_PLAN,
                EscalationStep.COMMUNICATION_PLAN,
                EscalationStep.UPDATE,
            ]
    above = escalation.level + 1
    if above <= EscalationLevel.EXECUTIVE and access.can_raise_escalation_level(user, above):
        steps.append(EscalationStep.LEVEL)
    if access.can_de_escalate(user) and escalation.manager_id and escalation.action_plan:
        steps.append(EscalationStep.DE_ESCALATION)
    return steps

"""Read queries for escalations, scoped by the access policy, and who should manage one."""

from datetime import datetime

from django.db.models import Count, F, Q, QuerySet

from hypercare import access
from hypercare.accounts.choices import Role
from hypercare.accounts.models import RoleGrant, User
from hypercare.errors import NotFound
from hypercare.escalations.choices import OPEN_ESCALATION_STATUSES
from hypercare.escalations.models import Escalation, EscalationRule
from hypercare.orgs.selectors import available_on, desk_day
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
    holders = RoleGrant.objects.filter(role=Role.ESCALATION_MANAGER).values("user_id")
    managers = User.objects.filter(is_active=True, institution__isnull=True, pk__in=holders)
    if at is not None:
        managers = managers.filter(available_on(desk_day(at)))
    return managers.order_by("username")


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

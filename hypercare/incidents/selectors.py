"""Read queries for major incidents, scoped by the access policy.

An institution's user sees the incidents affecting their institution, and of each only
what concerns them: their own institution among the affected, the children they may see
anyway. Support staff see everything.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.incidents.choices import IncidentStatus
from hypercare.incidents.models import IncidentEvent, MajorIncident
from hypercare.orgs.models import Institution, Integration
from hypercare.tickets.choices import OPEN_STATUSES
from hypercare.tickets.models import Ticket

# Tickets opened this long before the declared start may already be the outage.
SUGGESTION_LEAD = timedelta(hours=2)
SUGGESTIONS_SHOWN = 50


def visible_incidents(user: User) -> QuerySet[MajorIncident]:
    """Every major incident ``user`` may see, newest first."""
    return MajorIncident.objects.filter(access.major_incident_scope(user)).select_related(
        "declared_by", "resolved_by"
    )


def get_visible_incident(user: User, pk: int) -> MajorIncident:
    incident = visible_incidents(user).filter(pk=pk).first()
    if incident is None:
        raise NotFound("No such major incident.")
    return incident


def active_incidents(user: User) -> QuerySet[MajorIncident]:
    """The banner: active incidents ``user`` may see, the most overdue update first."""
    return (
        visible_incidents(user)
        .filter(status=IncidentStatus.ACTIVE)
        .order_by(F("next_update_due_at").asc(nulls_last=True), "pk")
    )


def affected_institutions(user: User, incident: MajorIncident) -> list[Institution]:
    """The affected institutions ``user`` may know of: all for staff, else their own."""
    return list(incident.institutions.filter(access.institution_scope(user)).order_by("name"))


def incident_children(user: User, incident: MajorIncident) -> QuerySet[Ticket]:
    """The children ``user`` may see, oldest first."""
    return (
        Ticket.objects.filter(access.ticket_scope(user), incident_child__incident=incident)
        .select_related("institution", "requester", "module", "assignee")
        .order_by("pk")
    )


def incident_of_ticket(user: User, ticket: Ticket) -> MajorIncident | None:
    """The incident ``ticket`` is a child of, if ``user`` may see it."""
    return visible_incidents(user).filter(children__ticket=ticket).first()


def incident_timeline(user: User, incident: MajorIncident) -> QuerySet[IncidentEvent]:
    """The incident's own timeline: support staff only (it names every child)."""
    if not access.is_agent(user):
        return IncidentEvent.objects.none()
    return incident.events.select_related("actor", "ticket")


def suggested_children(user: User, incident: MajorIncident) -> list[Ticket]:
    """Open tickets that look like the outage and are not attached anywhere yet.

    Same module; opened from shortly before the declared start on; and, when the incident
    names an integration kind, reporting a failing integration of that kind. Only for
    those who may attach them.
    """
    if not access.can_handle_major_incident(user) or not incident.is_active:
        return []
    candidates = (
        Ticket.objects.filter(
            access.ticket_scope(user),
            module__code=incident.module_code,
            status__in=OPEN_STATUSES,
            created_at__gte=incident.started_at - SUGGESTION_LEAD,
            incident_child__isnull=True,
        )
        .select_related("institution", "requester", "module")
        .order_by("created_at", "pk")
    )
    if not incident.integration_kind:
        return list(candidates[:SUGGESTIONS_SHOWN])
    of_kind = set(
        Integration.objects.filter(kind=incident.integration_kind).values_list("pk", flat=True)
    )
    return [
        ticket for ticket in candidates if ticket.category_details.get("integration_id") in of_kind
    ][:SUGGESTIONS_SHOWN]


def desk_active_incidents() -> QuerySet[MajorIncident]:
    """Every active incident with its affected institutions, for the desk's own digest."""
    return (
        MajorIncident.objects.filter(status=IncidentStatus.ACTIVE)
        .select_related("declared_by")
        .prefetch_related("institutions", "children")
        .order_by(F("next_update_due_at").asc(nulls_last=True), "pk")
    )


@dataclass(frozen=True)
class ReviewRow:
    """An active incident as the daily review lists it."""

    incident: MajorIncident
    children: int
    overdue: bool
    resolve_overdue: bool


def overdue_first(incidents: Iterable[MajorIncident], at: datetime) -> list[MajorIncident]:
    """Those past their resolution target first, each part in its given order."""
    return sorted(incidents, key=lambda incident: not incident.resolve_overdue(at))


def incident_review(user: User, at: datetime) -> list[ReviewRow]:
    """Every active incident ``user`` may see, with its child count: those past their
    resolution target first, then by the most overdue update."""
    incidents = overdue_first(active_incidents(user).prefetch_related("children"), at)
    return [
        ReviewRow(
            incident=incident,
            children=len(incident.children.all()),
            overdue=incident.next_update_due_at is not None and incident.next_update_due_at <= at,
            resolve_overdue=incident.resolve_overdue(at),
        )
        for incident in incidents
    ]

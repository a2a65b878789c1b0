"""Opening a ticket."""

from collections.abc import Sequence
from typing import Any

from hypercare import access
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.models import Institution, Module, Team
from hypercare.sla.services import plan_new_ticket
from hypercare.tickets import events
from hypercare.tickets.category_details import validate_category_details
from hypercare.tickets.choices import AffectedWorkflow, Category, Channel, Level, priority_for
from hypercare.tickets.models import PendingUpload, Ticket
from hypercare.tickets.routing import Route, route_for
from hypercare.tickets.services import notices
from hypercare.tickets.services.assignment import choose_member, record_first_owner
from hypercare.tickets.services.attachments import attach_uploads
from hypercare.tickets.services.common import require

TITLE_MAX = 200
DESCRIPTION_MAX = 50_000
DETAIL_MAX = 10_000
ERP_ROLE_MAX = 120


def open_ticket(
    *,
    actor: User,
    institution: Institution,
    requester: User,
    module: Module,
    category: str,
    title: str,
    description: str,
    urgency: str,
    impact: str,
    channel: str,
    category_details: dict[str, Any],
    action_attempted: str = "",
    error_seen: str = "",
    affected_workflow: str = AffectedWorkflow.OTHER,
    operational_impact: str = "",
    requester_erp_role: str | None = None,
    uploads: Sequence[PendingUpload] = (),
    team: Team | None = None,
) -> Ticket:
    """Take in a request, compute its priority from impact x urgency and route it.

    The reporter's pending ``uploads`` become the ticket's first files in the same
    transaction: a ticket is never created without the files it was sent with.

    The requester's ERP role defaults to the one on their profile. The ticket starts in
    the routed team's queue: with a member picked by the team's auto-assignment, or
    unowned until triage gives it a named owner. ``team``, when given, is that queue
    instead of the routing rules' (a mailbox's own team), at the team's tier.
    """
    require(
        access.can_open_ticket(actor, institution=institution, requester=requester),
        "You may not report an issue for this person at this institution.",
    )
    errors = FieldErrors()
    errors.choice("category", category, Category.values)
    errors.choice("urgency", urgency, Level.values)
    errors.choice("impact", impact, Level.values)
    errors.choice("channel", channel, Channel.values)
    errors.choice("affected_workflow", affected_workflow, AffectedWorkflow.values)
    if module.institution_id != institution.pk or not module.is_active:
        errors.add("module", "not an active module of this institution")
    title = errors.line("title", title, TITLE_MAX)
    description = errors.text("description", description, DESCRIPTION_MAX)
    action_attempted = errors.text("action_attempted", action_attempted, DETAIL_MAX, required=False)
    error_seen = errors.text("error_seen", error_seen, DETAIL_MAX, required=False)
    operational_impact = errors.text(
        "operational_impact", operational_impact, DETAIL_MAX, required=False
    )
    erp_role = errors.line(
        "requester_erp_role",
        requester.erp_role if requester_erp_role is None else requester_erp_role,
        ERP_ROLE_MAX,
        required=False,
    )
    details = errors.collect(
        lambda: validate_category_details(
            category=category, details=category_details, institution=institution
        )
    )
    errors.check()
    route = route_for(institution_id=institution.pk, module_code=module.code, category=category)
    if team is not None:
        route = Route(team=team, tier=team.tier)
    at = clock.now()
    ticket = Ticket(
        institution=institution,
        requester=requester,
        reported_by=actor,
        requester_erp_role=erp_role,
        module=module,
        category=category,
        title=title,
        description=description,
        action_attempted=action_attempted,
        error_seen=error_seen,
        affected_workflow=affected_workflow,
        operational_impact=operational_impact,
        urgency=urgency,
        impact=impact,
        priority=priority_for(impact=impact, urgency=urgency),
        channel=channel,
        category_details=details,
        team=route.team,
        tier=route.tier,
        created_at=at,
        updated_at=at,
    )
    # Everything that only reads is done before the write transaction, which SQLite
    # runs one at a time: the row is then inserted once, whole.
    plan_new_ticket(ticket)
    with use_case():
        if route.team is not None:
            ticket.assignee = choose_member(route.team, at)
        ticket.save(force_insert=True)
        created = events.record_created(ticket, actor, at)
        attach_uploads(ticket, actor, uploads, at, event=created)
        if route.team is not None:
            record_first_owner(ticket, route.team, at)
        notices.ticket_received(ticket, created)
    return ticket

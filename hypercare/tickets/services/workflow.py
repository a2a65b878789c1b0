"""Moving a ticket along: status, ownership, priority, category, module, tier, team."""

from datetime import datetime
from typing import Any

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import ConfirmationNeeded, InvalidTransition, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.choices import Tier
from hypercare.orgs.models import Module, Team
from hypercare.sla.services import replan_ticket
from hypercare.tickets import events, workflows
from hypercare.tickets.category_details import validate_category_details
from hypercare.tickets.choices import Category, Priority, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.routing import route_for
from hypercare.tickets.services import notices
from hypercare.tickets.services.assignment import assign_in_team
from hypercare.tickets.services.common import lock, require
from hypercare.tickets.services.conversation import can_still_reopen
from hypercare.tickets.services.handover import (
    HANDOVER_MAX,
    HandOverNote,
    checked_handover,
    move_tier,
    move_to_team,
    team_at_tier,
)
from hypercare.tickets.services.lifecycle import set_status

WORK_REFUSED = "Only support staff can do this."
REASON_MAX = 2000
# Tier 0 is self-service: it holds no tickets.
WORKED_TIERS = (Tier.SERVICE_DESK, Tier.FUNCTIONAL, Tier.TECHNICAL)


def change_status(*, ticket: Ticket, actor: User, status: str, reason: str = "") -> Ticket:
    """Move the ticket to ``status`` if the lifecycle allows it.

    A ticket leaving New gets a named owner: the acting agent when nobody owns it yet.
    The requester side may only confirm a fix (close) or say it is not fixed (reopen,
    within the reopen window).
    """
    errors = FieldErrors()
    errors.choice("status", status, Status.values)
    why = errors.text("reason", reason, REASON_MAX, required=False)
    errors.check()
    with use_case():
        ticket = lock(ticket)
        require(
            access.can_set_status(actor, ticket, status),
            "You may not change this ticket's status.",
        )
        at = clock.now()
        reopening = ticket.status == Status.RESOLVED and status == Status.IN_PROGRESS
        if reopening and not access.is_agent(actor) and not can_still_reopen(ticket):
            raise InvalidTransition("The reopen window has passed; please open a new ticket.")
        changed = set_status(ticket, actor=actor, at=at, status=status, reason=why)
        ticket.updated_at = at
        ticket.save()
        replan_ticket(ticket, at=at)
        if changed is not None:
            notices.status_changed(ticket, changed, actor)
    return ticket


def assign_ticket(
    *, ticket: Ticket, actor: User, assignee: User | None, reason: str = ""
) -> Ticket:
    """Give the ticket a named owner. Only a New ticket may be left without one."""
    require(access.can_work_ticket(actor), WORK_REFUSED)
    errors = FieldErrors()
    if assignee is not None and not access.can_be_assigned(assignee):
        errors.add("assignee", "must be an active support agent")
    why = errors.text("reason", reason, REASON_MAX, required=False)
    errors.check()
    with use_case():
        ticket = lock(ticket)
        if assignee is None and ticket.status != Status.NEW:
            raise InvalidTransition("A ticket that has been triaged always has a named owner.")
        old = ticket.assignee.username if ticket.assignee else ""
        new = assignee.username if assignee else ""
        if old == new:
            return ticket
        at = clock.now()
        ticket.assignee = assignee
        ticket.updated_at = at
        ticket.save(update_fields=["assignee", "updated_at"])
        event = events.record_assignment(ticket, actor, at, old, new, why)
        notices.assigned(ticket, event, actor)
    return ticket


def take_ticket(*, ticket: Ticket, actor: User, confirmed: bool = False) -> Ticket:
    """The acting agent becomes the owner; a New ticket is triaged on the way.

    A ticket above the agent's own tier is taken only once they confirm it, so a tier 1
    analyst does not take a tier 3 ticket by a slip.
    """
    require(access.can_work_ticket(actor), WORK_REFUSED)
    with use_case():
        ticket = lock(ticket)
        if access.is_above_own_tier(actor, ticket) and not confirmed:
            raise ConfirmationNeeded(
                f"This ticket is at {Tier(ticket.tier).label}, above your own tier. Take it anyway?"
            )
        at = clock.now()
        old = ticket.assignee.username if ticket.assignee else ""
        if old != actor.username:
            ticket.assignee = actor
            events.record_assignment(ticket, actor, at, old, actor.username, "Took the ticket.")
        changed = None
        if ticket.status == Status.NEW:
            changed = set_status(ticket, actor=actor, at=at, status=Status.TRIAGED, reason="")
        ticket.updated_at = at
        ticket.save()
        if changed is not None:
            replan_ticket(ticket, at=at)
            notices.status_changed(ticket, changed, actor)
    return ticket


def change_priority(
    *, ticket: Ticket, actor: User, priority: str, reason: str, reason_is_public: bool = True
) -> Ticket:
    """Override the impact x urgency priority; the reason is kept on the timeline.

    The requester sees the change and its reason unless the agent keeps the reason
    internal; then, as with the note of a move down a tier, only support staff see the
    change at all (a change without its reason would only raise questions).
    """
    require(access.can_work_ticket(actor), WORK_REFUSED)
    errors = FieldErrors()
    errors.choice("priority", priority, Priority.values)
    why = errors.text("reason", reason, REASON_MAX)
    errors.check()
    with use_case():
        ticket = lock(ticket)
        old = ticket.priority
        if old == priority:
            return ticket
        at = clock.now()
        ticket.priority = priority
        ticket.priority_overridden = True
        ticket.updated_at = at
        ticket.save(update_fields=["priority", "priority_overridden", "updated_at"])
        events.record_priority_change(
            ticket, actor, at, old, priority, why, is_internal=not reason_is_public
        )
        replan_ticket(ticket, at=at)
    return ticket


def change_category(
    *,
    ticket: Ticket,
    actor: User,
    category: str,
    category_details: dict[str, Any],
    reason: str = "",
    confirmed: bool = False,
) -> Ticket:
    """Recategorise; the new category's own questions must be answered.

    The ticket is routed again as a new ticket of that category would be, when a routing
    rule names a team for it: to that team (and its tier), by its auto-assignment. Its
    workflow becomes the new category's, from the beginning; when the old one had steps
    taken already (a signed-off correction, an approved change), the agent confirms
    leaving them behind first (``ConfirmationNeeded``). They stay on the timeline. New
    answers go to the step the category's domain registered for them (``workflows``): a
    data correction naming another data owner puts its record to that one.
    """
    require(access.can_work_ticket(actor), WORK_REFUSED)
    errors = FieldErrors()
    errors.choice("category", category, Category.values)
    why = errors.text("reason", reason, REASON_MAX, required=False)
    errors.check()
    details = validate_category_details(
        category=category, details=category_details, institution=ticket.institution
    )
    with use_case():
        ticket = lock(ticket)
        dropped = workflows.steps_dropped(ticket, category)
        if dropped and not confirmed:
            raise ConfirmationNeeded(
                f"Recategorising leaves behind what the {ticket.get_category_display().lower()} "
                f"workflow has done: {'; '.join(dropped)}. Confirm to recategorise anyway."
            )
        old, old_answers = ticket.category, ticket.category_details
        at = clock.now()
        ticket.category = category
        ticket.category_details = details
        ticket.updated_at = at
        events.record_category_change(ticket, actor, at, old, category, why)
        if old != category:
            _route_again(ticket, actor, at)
        ticket.save(
            update_fields=["category", "category_details", "tier", "team", "assignee", "updated_at"]
        )
        if (old, old_answers) != (category, details):
            workflows.answered_anew(
                workflows.NewAnswers(ticket, old, old_answers, actor=actor, at=at)
            )
    return ticket


def _route_again(ticket: Ticket, actor: User, at: datetime) -> None:
    """Send the locked ``ticket`` where the routing rules send a new ticket like it; with
    no rule naming a team, nobody guesses and it stays where it is."""
    route = route_for(
        institution_id=ticket.institution_id,
        module_code=ticket.module.code,
        category=ticket.category,
    )
    if route.team is None or route.team.pk == ticket.team_id:
        return
    reason = f"Routed again as {ticket.get_category_display().lower()}."
    if route.tier != ticket.tier:
        move_tier(
            ticket,
            actor=actor,
            at=at,
            tier=route.tier,
            destination=route.team,
            handover=None,
            note=reason,
            public=False,
        )
        return
    move_to_team(ticket, actor, at, route.team, reason)
    assign_in_team(ticket, route.team, actor=actor, at=at, keep_owner=False)


def change_module(*, ticket: Ticket, actor: User, module: Module, reason: str = "") -> Ticket:
    require(access.can_work_ticket(actor), WORK_REFUSED)
    errors = FieldErrors()
    if module.institution_id != ticket.institution_id or not module.is_active:
        errors.add("module", "not an active module of this ticket's institution")
    why = errors.text("reason", reason, REASON_MAX, required=False)
    errors.check()
    with use_case():
        ticket = lock(ticket)
        if ticket.module_id == module.pk:
            return ticket
        at = clock.now()
        old_name = Module.objects.get(pk=ticket.module_id).name
        ticket.module = module
        ticket.updated_at = at
        ticket.save(update_fields=["module", "updated_at"])
        events.record_module_change(ticket, actor, at, old_name, module.name, why)
    return ticket


def change_tier(
    *,
    ticket: Ticket,
    actor: User,
    tier: int,
    handover: HandOverNote | None = None,
    note: str = "",
    note_is_public: bool = False,
    team: Team | None = None,
) -> Ticket:
    """Move the ticket up a tier (functional escalation) or down, into that tier's queue.

    Up needs a hand-over note in three parts (what was tried, the findings, what is
    needed); down needs a note saying why, which only support staff see unless the agent
    makes it public. The ticket goes to ``team`` or, when none is chosen, to the team the
    routing rules name at that tier; with neither, the agent is asked to choose. A new
    team means a new owner: the team's auto-assignment picks one, or the ticket waits
    unowned in the team's queue. Tier 0 is self-service and holds no tickets.
    """
    require(access.can_work_ticket(actor), WORK_REFUSED)
    errors = FieldErrors()
    errors.choice("tier", str(tier), [str(value) for value in WORKED_TIERS])
    if team is not None and team.tier != tier:
        errors.add("team", f"works at tier {team.tier}, not tier {tier}")
    errors.check()
    with use_case():
        ticket = lock(ticket)
        old = ticket.tier
        if old == tier:
            raise InvalidTransition(f"The ticket is already at tier {tier}.")
        if ticket.status == Status.CLOSED:
            raise InvalidTransition("A closed ticket stays where it is.")
        going_up = tier > old
        checked = checked_handover(handover) if going_up else None
        why = "" if going_up else _down_note(note)
        destination = team or team_at_tier(ticket, tier)
        if destination is None:
            raise ValidationFailed(
                {"team": f"No routing rule names a team at tier {tier} for this ticket; choose one"}
            )
        at = clock.now()
        move_tier(
            ticket,
            actor=actor,
            at=at,
            tier=tier,
            destination=destination,
            handover=checked,
            note=why,
            public=going_up or note_is_public,
        )
        ticket.updated_at = at
        ticket.save(update_fields=["tier", "team", "assignee", "updated_at"])
    return ticket


def _down_note(note: str) -> str:
    errors = FieldErrors()
    why = errors.text("note", note, HANDOVER_MAX)
    errors.check()
    return why


def change_team(*, ticket: Ticket, actor: User, team: Team, reason: str = "") -> Ticket:
    """Hand the ticket to another team's queue. The owner stays unless the team assigns."""
    require(access.can_work_ticket(actor), WORK_REFUSED)
    errors = FieldErrors()
    why = errors.text("reason", reason, REASON_MAX, required=False)
    errors.check()
    with use_case():
        ticket = lock(ticket)
        if ticket.team_id == team.pk:
            return ticket
        at = clock.now()
        move_to_team(ticket, actor, at, team, why)
        assign_in_team(ticket, team, actor=actor, at=at, keep_owner=True)
        ticket.updated_at = at
        ticket.save(update_fields=["team", "assignee", "updated_at"])
    return ticket

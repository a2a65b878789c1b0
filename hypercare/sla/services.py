"""Keeping each ticket's SLA clocks planned, and acting on warnings and breaches.

``replan_ticket`` runs inside every ticket service that changes what the clocks depend
on (creation, status, priority, first response), in that service's transaction. The
sweeps run as background jobs; each warning and breach is claimed with a conditional
UPDATE, so it happens exactly once per ticket and clock however many workers run.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import F, Q

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import notify
from hypercare.orgs.choices import Tier
from hypercare.sla.calendars import business_calendar
from hypercare.sla.choices import ClockState
from hypercare.sla.clocks import Change, ClockPlan, Plan, Target, plan_clocks
from hypercare.sla.models import SlaPolicy
from hypercare.tickets import events
from hypercare.tickets.choices import PRIORITY_ORDER, EventKind
from hypercare.tickets.models import Ticket

CLOCKS = ("first_response", "resolution")
CLOCK_LABELS = {"first_response": "first response", "resolution": "resolution"}
SWEEP_BATCH = 500


def governing_policy(institution_id: int) -> SlaPolicy | None:
    """The institution's own policy, else the default one."""
    return (
        SlaPolicy.objects.filter(Q(institution_id=institution_id) | Q(is_default=True))
        .select_related("calendar")
        .prefetch_related("targets")
        .order_by(F("institution_id").asc(nulls_last=True))
        .first()
    )


def plan_for(ticket: Ticket, *, at: datetime) -> tuple[SlaPolicy | None, Plan | None]:
    """Replay the ticket's timeline under its policy. Reads only; used to explain too."""
    policy = governing_policy(ticket.institution_id)
    if policy is None:
        return None, None
    changes = [
        Change(
            at=event.created_at,
            status=event.new_value if event.kind != EventKind.PRIORITY_CHANGED else None,
            priority=event.new_value if event.kind == EventKind.PRIORITY_CHANGED else None,
        )
        for event in ticket.events.filter(
            kind__in=(EventKind.STATUS_CHANGED, EventKind.REOPENED, EventKind.PRIORITY_CHANGED)
        ).order_by("created_at", "pk")
    ]
    first_priority = next(
        (
            event.old_value
            for event in ticket.events.filter(kind=EventKind.PRIORITY_CHANGED).order_by(
                "created_at", "pk"
            )[:1]
        ),
        ticket.priority,
    )
    plan = plan_clocks(
        created_at=ticket.created_at,
        priority_at_creation=first_priority,
        changes=changes,
        first_responded_at=ticket.first_responded_at,
        targets={
            target.priority: Target(
                target.first_response_minutes, target.resolution_minutes, target.business_hours
            )
            for target in policy.targets.all()
        },
        business_calendar=business_calendar(
            policy.calendar, ticket.created_at.year - 1, at.year + 1
        ),
        pause_on_third_party=policy.pause_on_third_party,
        warning_percent=policy.warning_percent,
    )
    return policy, plan


def replan_ticket(ticket: Ticket, *, at: datetime) -> None:
    """Re-plan both clocks of a locked ticket inside the caller's transaction.

    A clock that the replay finds stopped after its due time is breached now (recorded
    and notified here, since no sweep will see it); a breach already recorded stays.
    """
    policy, plan = plan_for(ticket, at=at)
    ticket.sla_policy = policy
    ticket.sla_paused_minutes = plan.paused_minutes if plan else 0
    for name in CLOCKS:
        clock_plan = getattr(plan, name) if plan else None
        _apply_clock(ticket, name, clock_plan, at)
    ticket.save(update_fields=SLA_FIELDS)


SLA_FIELDS = [
    "sla_policy",
    "sla_paused_minutes",
    *[
        f"{name}_{part}"
        for name in CLOCKS
        for part in ("state", "due_at", "warn_at", "warned_at", "breached_at")
    ],
]


def _apply_clock(ticket: Ticket, name: str, plan: ClockPlan | None, at: datetime) -> None:
    state = plan.state if plan else ClockState.NO_TARGET
    setattr(ticket, f"{name}_due_at", plan.due_at if plan else None)
    setattr(ticket, f"{name}_warn_at", plan.warn_at if plan else None)
    if plan is not None and plan.warn_at is not None and plan.warn_at > at:
        setattr(ticket, f"{name}_warned_at", None)
    already_breached = getattr(ticket, f"{name}_state") == ClockState.BREACHED
    if already_breached:
        return
    setattr(ticket, f"{name}_state", state)
    if state == ClockState.BREACHED:
        setattr(ticket, f"{name}_breached_at", at)
        _on_breach(ticket, name, at)


def sweep_sla(*, now: datetime | None = None) -> dict[str, int]:
    """Warn and breach every clock that is due. Safe to run from several workers at once."""
    at = now or clock.now()
    counts = {}
    for name in CLOCKS:
        counts[f"{name}_warnings"] = _sweep(name, "warn", at)
        counts[f"{name}_breaches"] = _sweep(name, "due", at)
    return counts


def _sweep(name: str, moment: str, at: datetime) -> int:
    due = Q(**{f"{name}_state": ClockState.RUNNING, f"{name}_{moment}_at__lte": at})
    if moment == "warn":
        due &= Q(**{f"{name}_warned_at__isnull": True})
    done = 0
    for pk in list(Ticket.objects.filter(due).values_list("pk", flat=True)[:SWEEP_BATCH]):
        with transaction.atomic(durable=True):
            if moment == "warn":
                claimed = Ticket.objects.filter(due, pk=pk).update(**{f"{name}_warned_at": at})
            else:
                claimed = Ticket.objects.filter(due, pk=pk).update(
                    **{f"{name}_state": ClockState.BREACHED, f"{name}_breached_at": at}
                )
            if claimed:
                ticket = Ticket.objects.select_for_update().select_related("team").get(pk=pk)
                (_on_warning if moment == "warn" else _on_breach)(ticket, name, at)
                done += 1
    return done


def _on_warning(ticket: Ticket, name: str, at: datetime) -> None:
    due_at = getattr(ticket, f"{name}_due_at")
    event = events.record_sla_warning(ticket, at, name, due_at)
    notify(
        event=NotificationEvent.SLA_WARNING,
        ticket=ticket,
        recipients=[ticket.assignee, ticket.team.lead if ticket.team else None],
        cause=f"sla:{name}:warning:{event.pk}",
        context=_context(ticket, name, due_at),
    )


def _on_breach(ticket: Ticket, name: str, at: datetime) -> None:
    due_at = getattr(ticket, f"{name}_due_at")
    events.record_sla_breach(ticket, at, name, due_at)
    managers = User.objects.filter(
        is_active=True, institution__isnull=True, role_grants__role=Role.ESCALATION_MANAGER
    )
    notify(
        event=NotificationEvent.SLA_BREACH,
        ticket=ticket,
        recipients=[ticket.assignee, ticket.team.lead if ticket.team else None, *managers],
        cause=f"sla:{name}:breach",
        context=_context(ticket, name, due_at),
    )
    _bump(ticket, at)


def _context(ticket: Ticket, name: str, due_at: datetime | None) -> dict[str, object]:
    policy = ticket.sla_policy
    return {
        "clock": CLOCK_LABELS[name],
        "due_at": f"{due_at:%Y-%m-%d %H:%M} UTC" if due_at else "—",
        "percent": policy.warning_percent if policy else 75,
    }


def _bump(ticket: Ticket, at: datetime) -> None:
    """The policy's optional automatic reaction to a breach: one priority up, one tier up."""
    policy = ticket.sla_policy
    if policy is None:
        return
    fields = []
    rank = PRIORITY_ORDER.index(ticket.priority)
    if policy.bump_priority_on_breach and rank > 0:
        old, ticket.priority = ticket.priority, PRIORITY_ORDER[rank - 1]
        events.record_priority_change(ticket, None, at, old, ticket.priority, "SLA breached.")
        fields.append("priority")
    if policy.bump_tier_on_breach and ticket.tier < Tier.TECHNICAL:
        old_tier = ticket.tier
        ticket.tier = old_tier + 1
        events.record_tier_change(ticket, None, at, old_tier, ticket.tier, "SLA breached.")
        fields.append("tier")
    if fields:
        ticket.save(update_fields=fields)
    if "priority" in fields:
        # The new priority's targets apply from creation; each bump moves one step up,
        # so a breach found by this re-plan can bump at most to critical.
        replan_ticket(ticket, at=at)

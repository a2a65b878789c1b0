"""Keeping each ticket's SLA clocks planned, and acting on warnings and breaches.

``plan_new_ticket`` sets a new ticket's clocks before its row is inserted;
``replan_ticket`` runs inside every service that changes what the clocks depend on
afterwards (status, priority, first response, shipping), in that service's transaction. The
sweeps run as background jobs; each warning and breach is claimed with a conditional
UPDATE, so it happens exactly once per ticket and clock however many workers run, and a
worker killed half-way leaves nothing behind: the claim, the timeline event and the
outbox messages commit together or not at all.
"""

from collections.abc import Collection
from datetime import datetime

from django.db.models import Q

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.selectors import support_staff
from hypercare.lib import clock
from hypercare.lib.times import Moment
from hypercare.lib.transactions import use_case
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import Notice, notify_many
from hypercare.orgs.choices import Tier
from hypercare.sla import events as sla_events
from hypercare.sla.choices import ClockState
from hypercare.sla.clocks import CLOCK_LABELS, CLOCKS, ClockPlan, Plan
from hypercare.sla.models import Calendar, SlaPolicy
from hypercare.sla.selectors import governing_policy, plan_for, replay
from hypercare.tickets import events
from hypercare.tickets.choices import OPEN_STATUSES, PRIORITY_ORDER
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.handover import HandOverNote, move_tier, team_at_tier

SWEEP_BATCH = 500
SLA_FIELDS = [
    "sla_policy",
    "sla_paused_minutes",
    *[
        f"{name}_{part}"
        for name in CLOCKS
        for part in ("state", "due_at", "warn_at", "warned_at", "breached_at")
    ],
]


def plan_new_ticket(ticket: Ticket) -> None:
    """Set the clocks of a ticket about to be created, before its row is written.

    Its timeline is its creation alone, so there is nothing to replay: the plan is the
    policy's targets counted from ``created_at``, and the row is inserted once, whole.
    """
    policy = governing_policy(ticket.institution_id)
    at = ticket.created_at
    plan = None if policy is None else replay(policy, ticket, ticket.priority, [], at)
    # Replay breaches only a clock stopped after its due time; a new ticket's clocks run.
    _set_plan(ticket, policy, plan, at)


def replan_ticket(ticket: Ticket, *, at: datetime) -> None:
    """Re-plan both clocks of a locked ticket inside the caller's transaction.

    A clock that the replay finds stopped after its due time is breached now (recorded
    and notified here, since no sweep will see it); a breach already recorded stays.
    """
    breached = _apply_plan(ticket, at)
    if breached:
        notices = _handle_breaches(
            ticket, breached, at, bump=True, managers=_escalation_managers(at)
        )
        notify_many(event=NotificationEvent.SLA_BREACH, notices=notices)


def _apply_plan(ticket: Ticket, at: datetime) -> list[str]:
    """Store the replayed plan on the ticket; the names of the clocks it newly breaches."""
    policy, plan = plan_for(ticket, at=at)
    breached = _set_plan(ticket, policy, plan, at)
    ticket.save(update_fields=SLA_FIELDS)
    return breached


def _set_plan(
    ticket: Ticket, policy: SlaPolicy | None, plan: Plan | None, at: datetime
) -> list[str]:
    ticket.sla_policy = policy
    ticket.sla_paused_minutes = plan.paused_minutes if plan else 0
    return [name for name in CLOCKS if _apply_clock(ticket, name, getattr(plan, name, None), at)]


def _apply_clock(ticket: Ticket, name: str, plan: ClockPlan | None, at: datetime) -> bool:
    """Set one clock from its plan; True when this makes it breached.

    A recorded breach stays, with the due time it missed. A warning re-arms when the
    re-plan moves the warning time into the future (the priority went down, say).
    """
    if getattr(ticket, f"{name}_state") == ClockState.BREACHED:
        return False
    plan = plan or ClockPlan(ClockState.NO_TARGET)
    setattr(ticket, f"{name}_state", plan.state)
    setattr(ticket, f"{name}_due_at", plan.due_at)
    setattr(ticket, f"{name}_warn_at", plan.warn_at)
    if plan.warn_at is not None and plan.warn_at > at:
        setattr(ticket, f"{name}_warned_at", None)
    if plan.state != ClockState.BREACHED:
        return False
    setattr(ticket, f"{name}_breached_at", at)
    return True


def replan_open_tickets(*, institution_ids: Collection[int] | None = None) -> int:
    """Re-plan every open ticket (of these institutions); how many were re-planned.

    For repairs and the ``replan_sla`` command: after a bulk import, say, or a change
    made to the configuration outside the services.
    """
    where = Q() if institution_ids is None else Q(institution_id__in=institution_ids)
    return _replan_where(where)


def replan_policy_tickets(policy: SlaPolicy) -> int:
    """Re-plan the open tickets ``policy`` governs now or governed until this change."""
    return _replan_where(Q(sla_policy=policy) | _governed_by(policy))


def replan_calendar_tickets(calendar: Calendar) -> int:
    """Re-plan the open tickets governed by any policy that counts in ``calendar``."""
    where = Q(pk__in=[])
    for policy in SlaPolicy.objects.filter(calendar=calendar):
        where |= _governed_by(policy)
    return _replan_where(where)


def _governed_by(policy: SlaPolicy) -> Q:
    if policy.is_default:
        return Q(institution__sla_policy__isnull=True)
    return Q(institution_id=policy.institution_id)


def _replan_where(where: Q) -> int:
    """Replay each ticket's own timeline, one short transaction per ticket.

    Each ticket is locked while it is re-planned, so a ticket service or a sweep acting
    on it at the same moment waits, and neither overwrites the other's clocks.
    """
    pks = list(
        Ticket.objects.filter(where, status__in=OPEN_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    done = 0
    for pk in pks:
        with use_case():
            ticket = Ticket.objects.select_for_update().filter(pk=pk).first()
            if ticket is not None and ticket.status in OPEN_STATUSES:
                replan_ticket(ticket, at=clock.now())
                done += 1
    return done


def sweep_sla(*, now: datetime | None = None) -> dict[str, int]:
    """Warn and breach every clock that is due. Safe to run from several workers at once."""
    at = now or clock.now()
    counts = {}
    for name in CLOCKS:
        counts[f"{name}_warnings"] = _sweep(name, "warn", at)
        counts[f"{name}_breaches"] = _sweep(name, "due", at)
    return counts


def _due_q(name: str, moment: str, at: datetime) -> Q:
    """Running clocks past their warning (not yet warned, not yet due) or due time."""
    due = Q(**{f"{name}_state": ClockState.RUNNING, f"{name}_{moment}_at__lte": at})
    if moment == "warn":
        # A clock already past due gets its breach, not a late warning as well.
        due &= Q(**{f"{name}_warned_at__isnull": True, f"{name}_due_at__gt": at})
    return due


def _sweep(name: str, moment: str, at: datetime) -> int:
    """Claim and handle the due clocks batch by batch, oldest first.

    Each batch is one transaction: the rows are locked (PostgreSQL skips rows another
    worker holds; SQLite's IMMEDIATE transactions run one writer at a time), re-checked
    against ``due``, marked, and their events and notifications written before commit.
    A row another worker handled first no longer matches, so nothing happens twice.
    """
    due = _due_q(name, moment, at)
    done = 0
    while True:
        with use_case():
            tickets = _claim_batch(due, name, moment, at)
            if not tickets:
                return done
            if moment == "warn":
                _warn(tickets, name, at)
            else:
                _breach(tickets, name, at)
        done += len(tickets)


def _claim_batch(due: Q, name: str, moment: str, at: datetime) -> list[Ticket]:
    tickets = list(
        Ticket.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("assignee", "team__lead", "sla_policy", "institution")
        .filter(due)
        .order_by(f"{name}_{moment}_at", "pk")[:SWEEP_BATCH]
    )
    marks: dict[str, object] = (
        {f"{name}_warned_at": at}
        if moment == "warn"
        else {f"{name}_state": ClockState.BREACHED, f"{name}_breached_at": at}
    )
    Ticket.objects.filter(pk__in=[ticket.pk for ticket in tickets]).update(**marks)
    for ticket in tickets:
        for field_name, value in marks.items():
            setattr(ticket, field_name, value)
    return tickets


def _warn(tickets: list[Ticket], name: str, at: datetime) -> None:
    warnings = sla_events.record_sla_warnings([(ticket, name) for ticket in tickets], at)
    notices = [
        Notice(
            ticket,
            [ticket.assignee, ticket.team.lead if ticket.team else None],
            # A re-armed warning is a new warning: its own event gives it its own cause.
            f"sla:{name}:warning:{event.pk}",
            _context(ticket, name, getattr(ticket, f"{name}_due_at")),
        )
        for ticket, event in zip(tickets, warnings, strict=True)
    ]
    notify_many(event=NotificationEvent.SLA_WARNING, notices=notices)


def _breach(tickets: list[Ticket], name: str, at: datetime) -> None:
    managers = _escalation_managers(at)
    sla_events.record_sla_breaches([(ticket, name) for ticket in tickets], at)
    notices = [_breach_notice(ticket, name, managers) for ticket in tickets]
    for ticket in tickets:
        if _bump(ticket, [name], at):
            notices += _handle_breaches(
                ticket, _apply_plan(ticket, at), at, bump=False, managers=managers
            )
    notify_many(event=NotificationEvent.SLA_BREACH, notices=notices)


def _handle_breaches(
    ticket: Ticket, names: list[str], at: datetime, *, bump: bool, managers: list[User]
) -> list[Notice]:
    """Record each newly breached clock, then apply the policy's bump once.

    A bump raises the priority, which re-plans the clocks; a breach that re-plan finds is
    recorded too but bumps no further, so one breach moves one step. Returns the
    notifications to queue.
    """
    sla_events.record_sla_breaches([(ticket, name) for name in names], at)
    notices = [_breach_notice(ticket, name, managers) for name in names]
    if names and bump and _bump(ticket, names, at):
        notices += _handle_breaches(
            ticket, _apply_plan(ticket, at), at, bump=False, managers=managers
        )
    return notices


def _escalation_managers(at: datetime) -> list[User]:
    """Breaches also go to the escalation managers who are at work when they happen."""
    return list(support_staff(Role.ESCALATION_MANAGER, available_at=at))


def _breach_notice(ticket: Ticket, name: str, managers: list[User]) -> Notice:
    return Notice(
        ticket,
        [ticket.assignee, ticket.team.lead if ticket.team else None, *managers],
        f"sla:{name}:breach",
        _context(ticket, name, getattr(ticket, f"{name}_due_at")),
    )


def _context(ticket: Ticket, name: str, due_at: datetime | None) -> dict[str, object]:
    policy = ticket.sla_policy
    return {
        "clock": CLOCK_LABELS[name],
        "due_at": Moment(due_at) if due_at else "—",
        "percent": policy.warning_percent if policy else 75,
    }


def _bump(ticket: Ticket, names: list[str], at: datetime) -> bool:
    """The policy's optional reaction to a breach: one priority up, one tier up.

    Only an open ticket is bumped: raising a resolved one would get nobody's attention.
    A tier bump is the same move an agent makes (``tickets.services.handover``): into
    the team the routing rules name at the next tier (with none named, the ticket stays in
    its team's queue), to a new owner, with a hand-over note saying why it came.
    True when the priority changed (the clocks must then be re-planned).
    """
    policy = ticket.sla_policy
    if policy is None or ticket.status not in OPEN_STATUSES:
        return False
    why = f"The {' and '.join(CLOCK_LABELS[name] for name in names)} SLA was breached."
    fields = []
    rank = PRIORITY_ORDER.index(ticket.priority)
    if policy.bump_priority_on_breach and rank > 0:
        old, ticket.priority = ticket.priority, PRIORITY_ORDER[rank - 1]
        ticket.priority_overridden = True
        events.record_priority_change(ticket, None, at, old, ticket.priority, why)
        fields += ["priority", "priority_overridden"]
    if policy.bump_tier_on_breach and ticket.tier < Tier.TECHNICAL:
        tier = ticket.tier + 1
        move_tier(
            ticket,
            actor=None,
            at=at,
            tier=tier,
            destination=team_at_tier(ticket, tier),
            handover=_breach_handover(ticket, names),
            note=why,
            public=False,
        )
        fields += ["tier", "team", "assignee"]
    if fields:
        ticket.updated_at = at
        ticket.save(update_fields=[*fields, "updated_at"])
    return "priority" in fields


def _breach_handover(ticket: Ticket, names: list[str]) -> HandOverNote:
    """The system's hand-over note of a tier bump: why the ticket arrived."""
    missed = "; ".join(f"the {CLOCK_LABELS[name]} target was breached" for name in names)
    return HandOverNote(
        tried="As recorded on the ticket's timeline.",
        findings=f"Moved up by the SLA policy: {missed}.",
        needed="Take the ticket over at this tier and resolve it.",
    )

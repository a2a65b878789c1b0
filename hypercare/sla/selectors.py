"""Read queries about SLA clocks: the governing policy, business calendars, the replay
that plans a ticket's clocks, and its explanation for the reader."""

import copy
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import F, Q

from hypercare import access
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.lib.times import zoned_text
from hypercare.releases.choices import ReleaseEventKind
from hypercare.setup_cache import cached
from hypercare.sla.business_time import BusinessCalendar, parse_working_hours, public_holidays
from hypercare.sla.choices import ClockState
from hypercare.sla.clocks import CLOCK_LABELS, CLOCKS, Change, Plan, Target, plan_clocks
from hypercare.sla.models import Calendar, ClosureDay, SlaPolicy
from hypercare.tickets.choices import EventKind
from hypercare.tickets.models import Ticket

# The timeline events the clocks depend on.
CLOCK_EVENTS = (
    EventKind.STATUS_CHANGED,
    EventKind.REOPENED,
    EventKind.PRIORITY_CHANGED,
    ReleaseEventKind.SHIPPED,
)


def governing_policy(institution_id: int) -> SlaPolicy | None:
    """The institution's own policy, else the default one, with calendar and targets.

    From the setup cache: every new ticket asks. Each caller gets its own copy.
    """

    def load() -> SlaPolicy | None:
        return (
            SlaPolicy.objects.filter(Q(institution_id=institution_id) | Q(is_default=True))
            .select_related("calendar")
            .prefetch_related("targets")
            .order_by(F("institution_id").asc(nulls_last=True))
            .first()
        )

    policy = cached(("sla_policy", institution_id), load)
    return copy.copy(policy)


def business_calendar(calendar: Calendar, first_year: int, last_year: int) -> BusinessCalendar:
    """The calendar's working hours minus its holidays and closures in those years.

    From the setup cache, so a sweep over thousands of tickets loads each calendar's
    holidays once, and every process sees a change to the calendar or its closure days
    at its next read.
    """

    def load() -> BusinessCalendar:
        stored = Calendar.objects.get(pk=calendar.pk)
        closed: set[date] = set(
            ClosureDay.objects.filter(
                calendar_id=stored.pk, date__year__gte=first_year, date__year__lte=last_year
            ).values_list("date", flat=True)
        )
        if stored.holiday_country:
            closed |= public_holidays(
                stored.holiday_country,
                stored.holiday_subdivision or None,
                range(first_year, last_year + 1),
            )
        return BusinessCalendar.from_hours(
            stored.time_zone, parse_working_hours(stored.working_hours), closed
        )

    return cached(("business_calendar", calendar.pk, first_year, last_year), load)


def plan_for(ticket: Ticket, *, at: datetime) -> tuple[SlaPolicy | None, Plan | None]:
    """Replay the ticket's timeline under its policy. Reads only; used to explain too.

    A policy without a calendar counts around the clock, and its explanation reads in
    the institution's time zone.
    """
    policy = governing_policy(ticket.institution_id)
    if policy is None:
        return None, None
    timeline = list(ticket.events.filter(kind__in=CLOCK_EVENTS).order_by("created_at", "pk"))
    changes = [
        Change(at=event.created_at, priority=event.new_value)
        if event.kind == EventKind.PRIORITY_CHANGED
        else Change(at=event.created_at, shipped=True)
        if event.kind == ReleaseEventKind.SHIPPED
        else Change(at=event.created_at, status=event.new_value)
        for event in timeline
    ]
    first_priority = next(
        (event.old_value for event in timeline if event.kind == EventKind.PRIORITY_CHANGED),
        ticket.priority,
    )
    return policy, replay(policy, ticket, first_priority, changes, at)


def replay(
    policy: SlaPolicy, ticket: Ticket, first_priority: str, changes: list[Change], at: datetime
) -> Plan:
    """The clocks ``policy`` gives ``ticket`` after ``changes``, as of ``at``."""
    if policy.calendar is None:
        calendar = BusinessCalendar.always_open(ticket.institution.time_zone)
    else:
        calendar = business_calendar(policy.calendar, ticket.created_at.year - 1, at.year + 1)
    return plan_clocks(
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
        business_calendar=calendar,
        pause_on_third_party=policy.pause_on_third_party,
        warning_percent=policy.warning_percent,
    )


def clock_explanation(user: User, ticket: Ticket) -> tuple[str, ...]:
    """How the ticket's due times came about, step by step, for the ticket page.

    The replay of the ticket's own timeline under its policy and calendar, so it always
    agrees with the stored due times, except for a breach already recorded: that stays
    (with the due time it missed) whatever a later re-plan says, and is said so here.
    ``ticket`` comes from a scoped selector; the explanation, like the SLA events on the
    timeline, is for support staff only, so anyone else gets nothing.
    """
    if not access.can_see_internal(user):
        return ()
    policy, plan = plan_for(ticket, at=clock.now())
    if policy is None or plan is None:
        return ("No SLA policy governs this ticket: neither its institution's nor a default.",)
    zone = ZoneInfo(policy.calendar.time_zone if policy.calendar else ticket.institution.time_zone)
    steps = [_describe_policy(policy), *plan.steps]
    for name in CLOCKS:
        breached_at = getattr(ticket, f"{name}_breached_at")
        planned = getattr(plan, name).state
        if breached_at and planned != ClockState.BREACHED:
            steps.append(
                f"The {CLOCK_LABELS[name]} breach recorded "
                f"{zoned_text(breached_at, zone)} stands: "
                "a breach, once recorded, is not undone by a later re-plan."
            )
    return tuple(steps)


def _describe_policy(policy: SlaPolicy) -> str:
    if policy.calendar is None:
        counted = "it has no calendar, so every target counts around the clock"
    else:
        counted = (
            f"business-hours targets count in the calendar {policy.calendar.name!r} "
            f"({policy.calendar.time_zone}), whose time zone the times below are in"
        )
    third_party = "and also" if policy.pause_on_third_party else "but not"
    return (
        f"Policy {policy.name!r}: {counted}. The resolution clock pauses while the ticket "
        f"waits on the requester, {third_party} while it waits on a third party."
    )

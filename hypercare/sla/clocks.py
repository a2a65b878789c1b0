"""Planning a ticket's SLA clocks by replaying its own timeline.

A pure function of (timeline, targets, calendar): the same inputs always give the same
due times, so a policy or calendar change can re-plan every open ticket, and the ticket
page can show, step by step, how its due times came about.

Rules:
- Both clocks start when the ticket is created and are measured from creation with the
  *current* priority's target: a priority change re-plans from the start, keeping the
  business time already spent.
- First response is met by the first public reply from support.
- The resolution clock pauses while the ticket waits on the requester (and on a third
  party, when the policy says so), stops while resolved or closed, and runs again when
  the ticket is reopened.
- A resolution target of "next release" has no due time: it is met when the ticket ships.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from hypercare.sla.calendar import BusinessCalendar, add_business_minutes, business_minutes_between
from hypercare.sla.choices import ClockState
from hypercare.tickets.choices import Status

STOPPED = frozenset({Status.RESOLVED, Status.CLOSED})


@dataclass(frozen=True)
class Target:
    first_response_minutes: int
    resolution_minutes: int | None
    business_hours: bool


@dataclass(frozen=True)
class Change:
    """A status or priority change on the timeline, in time order."""

    at: datetime
    status: str | None = None
    priority: str | None = None


@dataclass(frozen=True)
class ClockPlan:
    state: str
    due_at: datetime | None = None
    warn_at: datetime | None = None
    stopped_at: datetime | None = None


@dataclass(frozen=True)
class Plan:
    priority: str
    first_response: ClockPlan
    resolution: ClockPlan
    paused_minutes: float
    steps: tuple[str, ...]


@dataclass(frozen=True)
class _Segment:
    start: datetime
    end: datetime | None
    status: str


def plan_clocks(
    *,
    created_at: datetime,
    priority_at_creation: str,
    changes: Sequence[Change],
    first_responded_at: datetime | None,
    targets: Mapping[str, Target],
    business_calendar: BusinessCalendar,
    pause_on_third_party: bool,
    warning_percent: int,
) -> Plan:
    """Due times, warning times and states of both clocks after replaying ``changes``."""
    priority = next((c.priority for c in reversed(changes) if c.priority), priority_at_creation)
    target = targets.get(priority)
    if target is None:
        return Plan(
            priority,
            ClockPlan(ClockState.NO_TARGET),
            ClockPlan(ClockState.NO_TARGET),
            0,
            (f"No SLA target for {priority} priority.",),
        )
    calendar = business_calendar if target.business_hours else BusinessCalendar.always_open()
    measure = "business minutes" if target.business_hours else "minutes around the clock"
    steps = [f"Priority {priority}: first response {target.first_response_minutes} {measure}."]
    first = _plan_first_response(
        created_at, first_responded_at, target.first_response_minutes, calendar, warning_percent
    )
    steps.append(_describe("First response", first))
    if target.resolution_minutes is None:
        steps.append("Resolution: by the next release (no due time until it ships).")
        return Plan(priority, first, ClockPlan(ClockState.NEXT_RELEASE), 0, tuple(steps))
    steps.append(f"Resolution: {target.resolution_minutes} {measure}, counted while worked on.")
    paused = {Status.WAITING_ON_REQUESTER}
    if pause_on_third_party:
        paused.add(Status.WAITING_ON_THIRD_PARTY)
    resolution, paused_minutes = _plan_resolution(
        _segments(created_at, changes),
        target.resolution_minutes,
        calendar,
        frozenset(paused),
        warning_percent,
        steps,
    )
    steps.append(_describe("Resolution", resolution))
    return Plan(priority, first, resolution, paused_minutes, tuple(steps))


def _plan_first_response(
    created_at: datetime,
    responded_at: datetime | None,
    minutes: int,
    calendar: BusinessCalendar,
    warning_percent: int,
) -> ClockPlan:
    due = add_business_minutes(calendar, created_at, minutes)
    if responded_at is not None:
        state = ClockState.MET if responded_at <= due else ClockState.BREACHED
        return ClockPlan(state, due_at=due, stopped_at=responded_at)
    warn = add_business_minutes(calendar, created_at, minutes * warning_percent / 100)
    return ClockPlan(ClockState.RUNNING, due_at=due, warn_at=warn)


def _segments(created_at: datetime, changes: Sequence[Change]) -> list[_Segment]:
    segments: list[_Segment] = []
    start, status = created_at, Status.NEW.value
    for change in changes:
        if change.status is None or change.status == status:
            continue
        segments.append(_Segment(start, change.at, status))
        start, status = change.at, change.status
    segments.append(_Segment(start, None, status))
    return segments


def _plan_resolution(
    segments: list[_Segment],
    minutes: int,
    calendar: BusinessCalendar,
    paused: frozenset[str],
    warning_percent: int,
    steps: list[str],
) -> tuple[ClockPlan, float]:
    warn_minutes = minutes * warning_percent / 100
    used = paused_minutes = 0.0
    due = warn = None
    for segment in segments:
        length = (
            None
            if segment.end is None
            else business_minutes_between(calendar, segment.start, segment.end)
        )
        if segment.status in STOPPED or segment.status in paused:
            if segment.status in paused:
                paused_minutes += length or 0
                steps.append(f"{_span(segment)} {segment.status}: clock paused.")
            continue
        if warn is None and (length is None or length >= warn_minutes - used):
            warn = add_business_minutes(calendar, segment.start, max(warn_minutes - used, 0))
        if due is None and (length is None or length >= minutes - used):
            due = add_business_minutes(calendar, segment.start, minutes - used)
        if length is not None:
            used += length
            steps.append(f"{_span(segment)} {segment.status}: counted {length:.0f} min.")
    last = segments[-1]
    if last.status in STOPPED:
        state = ClockState.MET if due is None or due >= last.start else ClockState.BREACHED
        return ClockPlan(state, due_at=due, stopped_at=last.start), paused_minutes
    if last.status in paused and due is None:
        return ClockPlan(ClockState.PAUSED), paused_minutes
    return ClockPlan(ClockState.RUNNING, due_at=due, warn_at=warn), paused_minutes


def _span(segment: _Segment) -> str:
    end = f"{segment.end:%Y-%m-%d %H:%M}" if segment.end else "now"
    return f"{segment.start:%Y-%m-%d %H:%M}–{end} UTC"


def _describe(name: str, clock: ClockPlan) -> str:
    due = f", due {clock.due_at:%Y-%m-%d %H:%M} UTC" if clock.due_at else ""
    return f"{name}: {ClockState(clock.state).label.lower()}{due}."

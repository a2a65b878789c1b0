"""Planning a ticket's SLA clocks by replaying its own timeline.

A pure function of (timeline, targets, calendar): the same inputs always give the same
due times, so a policy or calendar change can re-plan every open ticket, and the ticket
page can show, step by step, how its due times came about.

Rules:
- Both clocks start when the ticket is created. A running (or paused) clock is measured
  from creation with the *current* priority's target: a priority change re-plans from the
  start, keeping the business time already spent. A clock that has stopped keeps the
  verdict of the priority in force when it stopped, so raising the priority of a ticket
  that was answered in time does not turn that answer into a breach after the fact.
- First response is met by the first public reply from support. Resolving the ticket
  before any reply stops it too: the resolution notice is the first answer.
- The resolution clock pauses while the ticket waits on the requester (and on a third
  party, when the policy says so), stops while resolved or closed, and runs again when
  the ticket is reopened. Time paused moves the due time by the paused business time.
- A clock stopped at or before its due time is met, after it breached. The plan never
  calls a running clock breached: that needs "now", and is the sweep's job.
- A resolution target of "next release" has no due time: it is met when the ticket first
  ships in a release. Shipping stops that clock for good, so it keeps the verdict of the
  priority in force then; a target with a due time ignores shipping (the ticket is still
  resolved the usual way).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from hypercare.lib.times import zoned_text
from hypercare.sla.business_time import (
    BusinessCalendar,
    add_business_minutes,
    business_minutes_between,
)
from hypercare.sla.choices import ClockState
from hypercare.tickets.choices import Priority, Status

STOPPED = frozenset({Status.RESOLVED, Status.CLOSED})
# The two clocks every ticket has, as their fields on the ticket are named.
CLOCKS = ("first_response", "resolution")
CLOCK_LABELS = {"first_response": "first response", "resolution": "resolution"}


@dataclass(frozen=True)
class Target:
    """One priority's targets in minutes; ``resolution_minutes`` None means next release."""

    first_response_minutes: int
    resolution_minutes: int | None
    business_hours: bool


@dataclass(frozen=True)
class Change:
    """A status or priority change on the timeline, or the ticket shipping in a release."""

    at: datetime
    status: str | None = None
    priority: str | None = None
    shipped: bool = False


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


@dataclass(frozen=True)
class _Replay:
    """What both clocks read: the timeline cut into status segments, and how to count."""

    created_at: datetime
    priority_at_creation: str
    changes: tuple[Change, ...]
    segments: tuple[_Segment, ...]
    targets: Mapping[str, Target]
    business_calendar: BusinessCalendar
    warning_percent: int
    zone: ZoneInfo

    def priority_at(self, moment: datetime | None) -> str:
        """The priority in force at ``moment`` (None: the current one)."""
        priority = self.priority_at_creation
        for change in self.changes:
            if moment is not None and change.at > moment:
                break
            priority = change.priority or priority
        return priority

    @property
    def stopped_since(self) -> datetime | None:
        """When the ticket was last resolved, if it is resolved or closed now."""
        since = None
        for segment in reversed(self.segments):
            if segment.status not in STOPPED:
                break
            since = segment.start
        return since

    @property
    def shipped_at(self) -> datetime | None:
        """When the ticket first shipped in a release, if it has."""
        return next((change.at for change in self.changes if change.shipped), None)

    def calendar_for(self, target: Target) -> BusinessCalendar:
        if target.business_hours:
            return self.business_calendar
        return BusinessCalendar.always_open(self.business_calendar.time_zone)

    def when(self, moment: datetime) -> str:
        return zoned_text(moment, self.zone)


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
    """Due times, warning times and states of both clocks after replaying ``changes``.

    Times in the explanation (``steps``) are shown in the calendar's time zone.
    """
    ordered = tuple(sorted(changes, key=lambda change: change.at))
    replay = _Replay(
        created_at=created_at,
        priority_at_creation=priority_at_creation,
        changes=ordered,
        segments=_segments(created_at, ordered),
        targets=targets,
        business_calendar=business_calendar,
        warning_percent=warning_percent,
        zone=ZoneInfo(business_calendar.time_zone),
    )
    priority = replay.priority_at(None)
    steps = [_describe_targets(priority, targets.get(priority))]
    steps += _describe_priority_changes(replay)
    first = _plan_first_response(replay, first_responded_at, steps)
    paused = {Status.WAITING_ON_REQUESTER}
    if pause_on_third_party:
        paused.add(Status.WAITING_ON_THIRD_PARTY)
    resolution, paused_minutes = _plan_resolution(replay, frozenset(paused), steps)
    return Plan(priority, first, resolution, paused_minutes, tuple(steps))


def _segments(created_at: datetime, changes: Sequence[Change]) -> tuple[_Segment, ...]:
    segments: list[_Segment] = []
    start, status = created_at, Status.NEW.value
    for change in changes:
        if change.status is None or change.status == status:
            continue
        segments.append(_Segment(start, change.at, status))
        start, status = change.at, change.status
    segments.append(_Segment(start, None, status))
    return tuple(segments)


def _plan_first_response(
    replay: _Replay, responded_at: datetime | None, steps: list[str]
) -> ClockPlan:
    resolved_at = next((s.start for s in replay.segments if s.status in STOPPED), None)
    stopped_at, how = responded_at, "the first reply from support"
    if resolved_at is not None and (stopped_at is None or resolved_at < stopped_at):
        stopped_at, how = resolved_at, "resolving the ticket"
    priority = replay.priority_at(stopped_at)
    target = replay.targets.get(priority)
    if target is None:
        steps.append(f"First response: no target for {_priority(priority)} priority.")
        return ClockPlan(ClockState.NO_TARGET)
    calendar = replay.calendar_for(target)
    minutes = target.first_response_minutes
    due = add_business_minutes(calendar, replay.created_at, minutes)
    if stopped_at is None:
        warn = add_business_minutes(calendar, replay.created_at, _share(minutes, replay))
        steps.append(
            f"First response: due {replay.when(due)} ({_duration(minutes)} after creation); "
            f"warning at {replay.when(warn)}."
        )
        return ClockPlan(ClockState.RUNNING, due_at=due, warn_at=warn)
    state = ClockState.MET if stopped_at <= due else ClockState.BREACHED
    judged = ""
    if priority != replay.priority_at(None):
        judged = f" under the {_priority(priority)} target then in force"
    steps.append(
        f"First response: {ClockState(state).label.lower()} by {how} at "
        f"{replay.when(stopped_at)}; it was due {replay.when(due)}{judged}."
    )
    return ClockPlan(state, due_at=due, stopped_at=stopped_at)


def _plan_resolution(
    replay: _Replay, paused: frozenset[str], steps: list[str]
) -> tuple[ClockPlan, float]:
    priority = _resolution_priority(replay)
    target = replay.targets.get(priority)
    if target is None:
        steps.append(f"Resolution: no target for {_priority(priority)} priority.")
        return ClockPlan(ClockState.NO_TARGET), 0.0
    if target.resolution_minutes is None:
        return _plan_next_release(replay, steps), 0.0
    if replay.shipped_at is not None:
        steps.append(
            f"{replay.when(replay.shipped_at)}: shipped in a release; the "
            f"{_priority(priority)} target has a due time, so shipping does not stop the clock."
        )
    return _count_resolution(
        replay, target.resolution_minutes, replay.calendar_for(target), paused, steps
    )


def _resolution_priority(replay: _Replay) -> str:
    """The priority whose target judges the resolution clock.

    That of the moment the ticket was last resolved (or the current one), unless the
    ticket shipped under a next-release target: shipping stopped that clock for good.
    """
    shipped_at = replay.shipped_at
    if shipped_at is not None:
        then = replay.priority_at(shipped_at)
        target = replay.targets.get(then)
        if target is not None and target.resolution_minutes is None:
            return then
    return replay.priority_at(replay.stopped_since)


def _plan_next_release(replay: _Replay, steps: list[str]) -> ClockPlan:
    """Open with no due time until the ticket first ships; met from then on."""
    shipped_at = replay.shipped_at
    if shipped_at is None:
        steps.append("Resolution: by the next release; no due time until it ships.")
        return ClockPlan(ClockState.NEXT_RELEASE)
    steps.append(
        f"Resolution: met by shipping in a release at {replay.when(shipped_at)}; "
        "the target was the next release."
    )
    return ClockPlan(ClockState.MET, stopped_at=shipped_at)


def _count_resolution(
    replay: _Replay,
    minutes: int,
    calendar: BusinessCalendar,
    paused: frozenset[str],
    steps: list[str],
) -> tuple[ClockPlan, float]:
    """Walk the segments, counting business time while the ticket is worked on.

    The due (and warning) time is where the counted time passes the target (and its
    warning share); a segment that does not pass it only adds to the time used. Time
    running out exactly when the ticket is resolved or paused is not yet past due.
    """
    warn_minutes = _share(minutes, replay)
    used = paused_minutes = 0.0
    due = warn = None
    for segment in replay.segments:
        length = (
            None
            if segment.end is None
            else business_minutes_between(calendar, segment.start, segment.end)
        )
        if segment.status in STOPPED or segment.status in paused:
            if segment.status in paused:
                paused_minutes += length or 0.0
            steps.append(_describe_segment(replay, segment, length, counted=False))
            continue
        if warn is None and (length is None or used + length > warn_minutes):
            warn = add_business_minutes(calendar, segment.start, max(warn_minutes - used, 0.0))
        if due is None and (length is None or used + length > minutes):
            due = add_business_minutes(calendar, segment.start, max(minutes - used, 0.0))
        steps.append(_describe_segment(replay, segment, length, counted=True))
        used += length or 0.0
    plan = _resolution_state(replay, calendar, minutes, used, due, warn, paused)
    steps.append(_describe_resolution(replay, plan, minutes - used))
    return plan, paused_minutes


def _resolution_state(
    replay: _Replay,
    calendar: BusinessCalendar,
    minutes: int,
    used: float,
    due: datetime | None,
    warn: datetime | None,
    paused: frozenset[str],
) -> ClockPlan:
    stopped_at = replay.stopped_since
    if stopped_at is not None:
        if due is not None:
            return ClockPlan(ClockState.BREACHED, due_at=due, stopped_at=stopped_at)
        # Met: show where the due time stood when the work stopped.
        planned = add_business_minutes(calendar, stopped_at, max(minutes - used, 0.0))
        return ClockPlan(ClockState.MET, due_at=planned, stopped_at=stopped_at)
    if replay.segments[-1].status in paused and due is None:
        return ClockPlan(ClockState.PAUSED)
    return ClockPlan(ClockState.RUNNING, due_at=due, warn_at=warn)


def _share(minutes: int, replay: _Replay) -> float:
    return minutes * replay.warning_percent / 100


def _describe_targets(priority: str, target: Target | None) -> str:
    if target is None:
        return f"{_priority(priority).capitalize()} priority: this policy sets no target."
    resolution = (
        "by the next release"
        if target.resolution_minutes is None
        else f"within {_duration(target.resolution_minutes)}"
    )
    counted = "in business hours" if target.business_hours else "around the clock"
    return (
        f"{_priority(priority).capitalize()} priority: first response within "
        f"{_duration(target.first_response_minutes)}, resolution {resolution}, "
        f"counted {counted}."
    )


def _describe_priority_changes(replay: _Replay) -> list[str]:
    steps, before = [], replay.priority_at_creation
    for change in replay.changes:
        if change.priority is None or change.priority == before:
            continue
        steps.append(
            f"{replay.when(change.at)}: priority changed from {_priority(before)} to "
            f"{_priority(change.priority)}; running clocks are re-planned from creation "
            "with the new targets, keeping the time already counted."
        )
        before = change.priority
    return steps


def _describe_segment(
    replay: _Replay, segment: _Segment, length: float | None, *, counted: bool
) -> str:
    end = replay.when(segment.end) if segment.end else "now"
    span = f"{replay.when(segment.start)} – {end}, {Status(segment.status).label.lower()}"
    if segment.status in STOPPED:
        return f"{span}: clock stopped."
    if not counted:
        paused = "" if length is None else f" for {_duration(length)} of business time"
        return f"{span}: clock paused{paused}."
    if length is None:
        return f"{span}: counting."
    return f"{span}: {_duration(length)} counted."


def _describe_resolution(replay: _Replay, plan: ClockPlan, left: float) -> str:
    due = f"due {replay.when(plan.due_at)}" if plan.due_at else ""
    if plan.stopped_at is not None:
        label = ClockState(plan.state).label.lower()
        return f"Resolution: {label}, stopped at {replay.when(plan.stopped_at)}; it was {due}."
    if plan.state == ClockState.PAUSED:
        return f"Resolution: paused with {_duration(max(left, 0.0))} left."
    warn = f"; warning at {replay.when(plan.warn_at)}" if plan.warn_at else ""
    return f"Resolution: {due}{warn}."


def _priority(priority: str) -> str:
    return str(Priority(priority).label).lower() if priority in Priority.values else priority


def _duration(minutes: float) -> str:
    """``15 min``, ``4 h``, ``2 h 30 min``: business time has no days of fixed length."""
    whole = round(minutes)
    hours, rest = divmod(whole, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"

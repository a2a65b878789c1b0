"""How the web desk shows a ticket's SLA clocks: standing, colour, time left, which zone.

Everything here reads the clock fields stored on the ticket, so a queue row costs no
query; only the ticket page's explanation replays the timeline (``plan_for``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from hypercare.accounts.models import User
from hypercare.lib.times import day_text, local_text
from hypercare.releases.models import Release
from hypercare.sla.choices import ClockState
from hypercare.sla.selectors import plan_for
from hypercare.tickets.choices import OPEN_STATUSES
from hypercare.tickets.models import Ticket

CLOCK_LABELS = {"first_response": "First response", "resolution": "Resolution"}

# The colour a clock is shown in, by state; a running clock is judged by the time left.
STATE_TONES = {
    ClockState.BREACHED: "breached",
    ClockState.MET: "met",
    ClockState.PAUSED: "paused",
    ClockState.NEXT_RELEASE: "none",
    ClockState.NO_TARGET: "none",
}


@dataclass(frozen=True)
class ClockView:
    name: str
    label: str
    state: str
    state_label: str
    due_at: datetime | None
    breached_at: datetime | None
    tone: str
    remaining: str


@dataclass(frozen=True)
class SlaPanel:
    clocks: tuple[ClockView, ...]
    paused_minutes: float
    zone: str
    zone_source: str
    policy: str
    steps: tuple[str, ...]
    waiting_for: str = ""


def clock_view(ticket: Ticket, name: str, at: datetime) -> ClockView:
    """One clock as of ``at``: a running clock is ``ok``, ``warning`` or (overdue) ``breached``.

    An overdue clock shows as breached at once, though the sweep records the breach a
    little later: the desk must not look on time when it is not.
    """
    state = ClockState(getattr(ticket, f"{name}_state"))
    due_at: datetime | None = getattr(ticket, f"{name}_due_at")
    warn_at: datetime | None = getattr(ticket, f"{name}_warn_at")
    tone, remaining = STATE_TONES.get(state, "none"), ""
    if state == ClockState.RUNNING and due_at is not None:
        tone = _running_tone(due_at, warn_at, at)
        remaining = time_left(due_at - at)
    return ClockView(
        name=name,
        label=CLOCK_LABELS[name],
        state=state,
        state_label=str(state.label),
        due_at=due_at,
        breached_at=getattr(ticket, f"{name}_breached_at"),
        tone=tone,
        remaining=remaining,
    )


def _running_tone(due_at: datetime, warn_at: datetime | None, at: datetime) -> str:
    if due_at <= at:
        return "breached"
    if warn_at is not None and warn_at <= at:
        return "warning"
    return "ok"


def time_left(left: timedelta) -> str:
    """``2 h 5 min left`` or ``overdue by 3 d 1 h``, to the minute, largest two units."""
    span = _span(left)
    return f"{span} left" if left > timedelta(0) else f"overdue by {span}"


def breached_ago(due_at: datetime, at: datetime) -> str:
    """``breached 3 d ago``: how long a breached clock has been past its due time."""
    return f"breached {_span(at - due_at)} ago"


def _span(length: timedelta) -> str:
    """``3 d 1 h``, ``2 h 5 min``, ``4 min``: to the minute, the largest two units."""
    minutes = int(abs(length).total_seconds() // 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def ticket_clocks(ticket: Ticket, at: datetime) -> tuple[ClockView, ClockView]:
    return clock_view(ticket, "first_response", at), clock_view(ticket, "resolution", at)


def most_pressing(ticket: Ticket, at: datetime) -> ClockView:
    """The clock due earliest among those running and, on an open ticket, those breached;
    else a breached one, else the resolution clock.

    This is the clock a queue row shows, the same one the "due soonest" sort orders by
    (``tickets.selectors.SLA_DUE``): a breach comes before any running clock.
    """
    clocks = ticket_clocks(ticket, at)
    pressing = {ClockState.RUNNING}
    if ticket.status in OPEN_STATUSES:
        pressing.add(ClockState.BREACHED)
    due = [c for c in clocks if c.state in pressing and c.due_at is not None]
    if due:
        return min(due, key=lambda c: c.due_at or at)
    breached = [c for c in clocks if c.state == ClockState.BREACHED]
    return breached[0] if breached else clocks[1]


def sla_panel(viewer: User, ticket: Ticket, at: datetime) -> SlaPanel:
    """The ticket page's SLA panel, in the viewer's zone like every time on the page.

    Support staff belong to no institution, so without a zone of their own they read UTC;
    the panel then names the zone the institution that raised the ticket keeps.
    """
    policy, plan = plan_for(ticket, at=at)
    return SlaPanel(
        clocks=ticket_clocks(ticket, at),
        paused_minutes=ticket.sla_paused_minutes,
        zone=viewer.viewing_time_zone,
        zone_source=_zone_source(viewer, ticket),
        policy=policy.name if policy else "",
        steps=plan.steps if plan else ("No SLA policy governs this ticket.",),
        waiting_for=waiting_for(ticket),
    )


def _zone_source(viewer: User, ticket: Ticket) -> str:
    if viewer.time_zone:
        return "your time zone"
    if viewer.institution_id is not None:
        return "your institution's time zone"
    kept = ticket.institution.time_zone
    elsewhere = f"; {ticket.institution} keeps {kept}" if kept != viewer.viewing_time_zone else ""
    return f"set your own time zone in your profile{elsewhere}"


def waiting_for(ticket: Ticket) -> str:
    """Which release a resolution clock waiting for the next release waits for, if any."""
    if ticket.resolution_state != ClockState.NEXT_RELEASE:
        return ""
    release = ticket.release
    if release is None:
        return "Waits for the next release; not planned for one yet."
    if release.planned_date is None:
        return f"Waits for release {release.version}."
    return f"Waits for release {release.version}, planned {_day(release)}."


def _day(release: Release) -> str:
    return day_text(release.planned_date) if release.planned_date else ""


def expected_resolution(ticket: Ticket, at: datetime) -> str:
    """What a requester is told about when their ticket will be resolved, in plain words.

    Only the resolution promise: never the first-response clock, warnings or breaches,
    which are the desk's internal business. Times are in the reader's active zone.
    """
    if ticket.status not in OPEN_STATUSES:
        return ""
    resolution = clock_view(ticket, "resolution", at)
    if resolution.state == ClockState.PAUSED:
        return "On hold while we wait for your answer."
    if resolution.state == ClockState.NEXT_RELEASE:
        release = ticket.release
        if release is None:
            return "We plan to fix this in the next release."
        planned = f", planned for {_day(release)}" if release.planned_date else ""
        return f"We plan to fix this in release {release.version}{planned}."
    if resolution.state not in (ClockState.RUNNING, ClockState.BREACHED) or not resolution.due_at:
        return ""
    due = local_text(resolution.due_at)
    if resolution.due_at > at:
        return f"We aim to resolve this by {due}."
    return f"We aimed to resolve this by {due} and are still working on it."

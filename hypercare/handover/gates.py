"""The exit gates' figures for one institution, each one aggregate query computed by the
database from live data (tickets and their SLA clocks, escalations, the handover record,
sign-ins), and whether each gate is met."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q

from hypercare.accounts.models import User
from hypercare.escalations.choices import OPEN_ESCALATION_STATUSES
from hypercare.escalations.models import Escalation
from hypercare.handover.choices import GateKind
from hypercare.handover.models import ExitGate, HandoverVersion
from hypercare.orgs.models import Institution
from hypercare.reports.recurring import recurring_groups
from hypercare.sla.choices import ClockState
from hypercare.tickets.choices import OPEN_STATUSES, Priority
from hypercare.tickets.models import Ticket

SLA_WINDOW = timedelta(days=30)
ACTIVE_WINDOW = timedelta(days=30)
RECURRING_WINDOW = timedelta(days=30)
# The recurring issues page's period that covers the gate's window.
RECURRING_PERIOD = "30d"


@dataclass(frozen=True)
class GateResult:
    kind: str
    threshold: int
    figure: int
    met: bool

    def as_line(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "threshold": self.threshold,
            "figure": self.figure,
            "met": self.met,
        }


def gates_of(institution: Institution) -> dict[str, int]:
    """The institution's own gates, else the default set: kind → threshold."""
    own = ExitGate.objects.filter(institution=institution)
    chosen = own if own.exists() else ExitGate.objects.filter(institution__isnull=True)
    return dict(chosen.values_list("kind", "threshold"))


def _critical_opened(institution: Institution, days: int, at: datetime) -> int:
    return Ticket.objects.filter(
        institution=institution,
        priority=Priority.CRITICAL,
        created_at__gt=at - timedelta(days=days),
    ).count()


def _sla_attainment(institution: Institution, at: datetime) -> int:
    """Met clocks as a whole percentage of the clocks that ended met or breached, over
    the tickets opened in the window; 100 with none (nothing was missed)."""
    counts = Ticket.objects.filter(
        institution=institution, created_at__gt=at - SLA_WINDOW
    ).aggregate(
        met=Count("pk", filter=Q(first_response_state=ClockState.MET))
        + Count("pk", filter=Q(resolution_state=ClockState.MET)),
        breached=Count("pk", filter=Q(first_response_state=ClockState.BREACHED))
        + Count("pk", filter=Q(resolution_state=ClockState.BREACHED)),
    )
    total = counts["met"] + counts["breached"]
    return 100 if total == 0 else counts["met"] * 100 // total


def _backlog(institution: Institution) -> int:
    return Ticket.objects.filter(institution=institution, status__in=OPEN_STATUSES).count()


def _open_escalations(institution: Institution) -> int:
    return Escalation.objects.filter(
        ticket__institution=institution, status__in=OPEN_ESCALATION_STATUSES
    ).count()


def _handover_signed(institution: Institution) -> int:
    current = (
        HandoverVersion.objects.filter(record__institution=institution)
        .order_by("-number")
        .values("institution_signed_at", "desk_signed_at")
        .first()
    )
    signed = current is not None and None not in current.values()
    return int(signed)


def _active_users(institution: Institution, at: datetime) -> int:
    """People who signed in within the window, as a whole percentage of the
    institution's active accounts (those invited and not switched off)."""
    counts = User.objects.filter(institution=institution, is_active=True).aggregate(
        invited=Count("pk"), active=Count("pk", filter=Q(last_login__gt=at - ACTIVE_WINDOW))
    )
    return 0 if counts["invited"] == 0 else counts["active"] * 100 // counts["invited"]


def _recurring_uncovered(institution: Institution, top: int, at: datetime) -> int:
    """Of the institution's ``top`` largest recurring issues over the window (as the
    recurring issues report groups them), how many have neither an article nor a problem."""
    opened = Ticket.objects.filter(institution=institution, created_at__gt=at - RECURRING_WINDOW)
    groups = recurring_groups(opened)
    return sum(1 for group in groups[:top] if not (group.has_article or group.has_problem))


Figure = Callable[[Institution, int, datetime], int]
FIGURES: dict[str, Figure] = {
    GateKind.NO_CRITICAL_TICKETS: lambda i, days, at: _critical_opened(i, days, at),
    GateKind.SLA_ATTAINMENT: lambda i, _, at: _sla_attainment(i, at),
    GateKind.BACKLOG: lambda i, _, __: _backlog(i),
    GateKind.NO_OPEN_ESCALATION: lambda i, _, __: _open_escalations(i),
    GateKind.HANDOVER_SIGNED: lambda i, _, __: _handover_signed(i),
    GateKind.ACTIVE_USERS: lambda i, _, at: _active_users(i, at),
    GateKind.RECURRING_COVERED: _recurring_uncovered,
}
# Whether a figure meets its threshold: at most, or at least, or none at all.
AT_LEAST = {GateKind.SLA_ATTAINMENT, GateKind.ACTIVE_USERS, GateKind.HANDOVER_SIGNED}
NONE_ALLOWED = {GateKind.NO_CRITICAL_TICKETS, GateKind.RECURRING_COVERED}


def _met(kind: str, threshold: int, figure: int) -> bool:
    if kind in NONE_ALLOWED:
        return figure == 0
    if kind in AT_LEAST:
        return figure >= threshold
    return figure <= threshold


def evaluate(institution: Institution, at: datetime) -> list[GateResult]:
    """Every gate the institution is held to, with its figure now."""
    results = []
    for kind, threshold in sorted(gates_of(institution).items()):
        figure = FIGURES[kind](institution, threshold, at)
        results.append(GateResult(kind, threshold, figure, _met(kind, threshold, figure)))
    return results


# The tickets behind a gate, as the desk queue's filters (every queue, the institution's).
QUEUE_FILTERS: dict[str, dict[str, str]] = {
    GateKind.NO_CRITICAL_TICKETS: {"priority": Priority.CRITICAL},
    GateKind.SLA_ATTAINMENT: {"sla": "breached"},
    GateKind.BACKLOG: {},
}

"""Which exit gates hold, at which thresholds: the default set, and an institution's own
set that replaces it. One write use case, checked per gate kind and kept in the gates'
own history."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed
from hypercare.handover.choices import GateKind
from hypercare.handover.events import record_gate_change
from hypercare.handover.models import ExitGate, ExitGateEvent
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import EMPTY, FieldErrors
from hypercare.orgs.models import Institution
from hypercare.reports.recurring import RECURRING_TOP
from hypercare.tickets.services.common import require

CHANGE_REFUSED = "Only a support manager changes exit gates."
DEFAULTS_REFUSED = "Only support staff read the default exit gates."
# Each kind's thresholds from and to, as its label reads: days, percentages, counts.
THRESHOLD_RANGES: dict[str, tuple[int, int]] = {
    GateKind.NO_CRITICAL_TICKETS: (1, 365),
    GateKind.SLA_ATTAINMENT: (0, 100),
    GateKind.BACKLOG: (0, 100_000),
    GateKind.NO_OPEN_ESCALATION: (0, 1000),
    GateKind.HANDOVER_SIGNED: (1, 1),
    GateKind.ACTIVE_USERS: (0, 100),
    GateKind.RECURRING_COVERED: (1, RECURRING_TOP),
}


@dataclass(frozen=True)
class GateSet:
    """The gates an institution is held to (its own, else the defaults) and the
    defaults, each kind → threshold."""

    own: bool
    gates: dict[str, int]
    defaults: dict[str, int]


def _thresholds(institution: Institution | None) -> dict[str, int]:
    return dict(ExitGate.objects.filter(institution=institution).values_list("kind", "threshold"))


def gate_set(institution: Institution) -> GateSet:
    own = _thresholds(institution)
    defaults = _thresholds(None)
    return GateSet(own=bool(own), gates=own or defaults, defaults=defaults)


def default_gates(user: User) -> dict[str, int]:
    if not access.can_read_default_exit_gates(user):
        raise NotAllowed(DEFAULTS_REFUSED)
    return _thresholds(None)


def gate_history(institution: Institution | None) -> QuerySet[ExitGateEvent]:
    """The changes to the default set (no institution) or to an institution's own."""
    return ExitGateEvent.objects.filter(institution=institution).select_related("actor")


def set_exit_gates(
    *, institution: Institution | None, gates: Mapping[str, int | None] | None, actor: User
) -> dict[str, int]:
    """Hold the default set (no ``institution``) or an institution to exactly ``gates``,
    kind → threshold: a kind left out is dropped, a new one added, a threshold changed.
    ``None`` takes an institution back to the default set.

    Each threshold must lie in its kind's range (a percentage from 0 to 100, days from
    1 to 365, ...). A set is never empty: an institution without gates of its own is
    held to the defaults, and the defaults without a gate would let anyone out. The
    change is recorded with the set before and after; a set sent unchanged records
    nothing. Returns the gates now held.
    """
    require(access.can_change_exit_gates(actor), CHANGE_REFUSED)
    errors = FieldErrors()
    if gates is None:
        if institution is None:
            errors.add("gates", "must hold at least one gate")
    else:
        _check(errors, gates)
    errors.check()
    wanted = {kind: int(threshold or 0) for kind, threshold in (gates or {}).items()}
    with use_case():
        _lock(institution)
        before = _thresholds(institution)
        if wanted != before:
            _replace(institution, before, wanted)
            record_gate_change(institution, before, wanted, actor, clock.now())
    return _thresholds(institution) or _thresholds(None)


def _check(errors: FieldErrors, gates: Mapping[str, int | None]) -> None:
    if not gates:
        errors.add("gates", "must hold at least one gate")
    for kind, threshold in gates.items():
        if kind not in THRESHOLD_RANGES:
            errors.add(f"gates.{kind}", "is not an exit gate")
            continue
        low, high = THRESHOLD_RANGES[kind]
        if threshold is None:
            errors.add(f"gates.{kind}", EMPTY)
        elif not low <= threshold <= high:
            errors.add(f"gates.{kind}", f"must be from {low} to {high}")


def _lock(institution: Institution | None) -> None:
    """Two managers editing one set at once: the second waits, then sees the first's."""
    if institution is not None:
        Institution.objects.select_for_update().filter(pk=institution.pk).first()
    else:
        list(ExitGate.objects.select_for_update().filter(institution=None))


def _replace(
    institution: Institution | None, before: dict[str, int], wanted: dict[str, int]
) -> None:
    rows = ExitGate.objects.filter(institution=institution)
    rows.exclude(kind__in=list(wanted)).delete()
    for kind, threshold in wanted.items():
        if kind not in before:
            ExitGate.objects.create(institution=institution, kind=kind, threshold=threshold)
        elif before[kind] != threshold:
            gate = rows.get(kind=kind)  # saved, not updated: the configuration audit sees it
            gate.threshold = threshold
            gate.save(update_fields=["threshold"])

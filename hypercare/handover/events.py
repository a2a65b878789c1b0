"""The handover record's and the exit gates' own histories, written by the services
inside their transaction."""

from datetime import datetime

from hypercare.accounts.models import User
from hypercare.handover.choices import GateEventKind
from hypercare.handover.models import ExitGateEvent, HandoverEvent, HandoverRecord
from hypercare.orgs.models import Institution


def record_step(
    record: HandoverRecord, kind: str, version: int, actor: User, at: datetime
) -> HandoverEvent:
    return HandoverEvent.objects.create(
        record=record, kind=kind, version=version, actor=actor, created_at=at
    )


def record_gate_change(
    institution: Institution | None,
    before: dict[str, int],
    after: dict[str, int],
    actor: User,
    at: datetime,
) -> ExitGateEvent:
    """A set of gates changed; an institution's set emptied went back to the defaults."""
    return ExitGateEvent.objects.create(
        institution=institution,
        kind=GateEventKind.CHANGED if after else GateEventKind.BACK_TO_DEFAULTS,
        before=before,
        after=after,
        actor=actor,
        created_at=at,
    )

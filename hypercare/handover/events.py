"""The handover record's own history, written by the services inside their transaction."""

from datetime import datetime

from hypercare.accounts.models import User
from hypercare.handover.models import HandoverEvent, HandoverRecord


def record_step(
    record: HandoverRecord, kind: str, version: int, actor: User, at: datetime
) -> HandoverEvent:
    return HandoverEvent.objects.create(
        record=record, kind=kind, version=version, actor=actor, created_at=at
    )

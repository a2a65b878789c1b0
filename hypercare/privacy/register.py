"""Writing the data-protection register: one row per action, inside the action's own
transaction, so an action that rolls back leaves no entry and no entry goes missing."""

from typing import Any

from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.orgs.models import Institution
from hypercare.privacy.models import RegisterEntry


def record(
    action: str,
    *,
    actor: User | None,
    subject: User | None = None,
    institution: Institution | None = None,
    outcome: dict[str, Any],
) -> RegisterEntry:
    return RegisterEntry.objects.create(
        at=clock.now(),
        action=action,
        actor=actor,
        subject=subject,
        institution=institution,
        outcome=outcome,
    )

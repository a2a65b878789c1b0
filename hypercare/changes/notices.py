"""Which notifications a change's step queues, and for whom. Called inside services."""

from django.conf import settings

from hypercare import access
from hypercare.accounts.models import User
from hypercare.changes.choices import Decision
from hypercare.changes.models import ChangeRequest
from hypercare.changes.selectors import approvers
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import notify


def approval_requested(change: ChangeRequest) -> None:
    """Each pending approval's approvers are asked once."""
    people: dict[int, User] = {}
    for approval in change.approvals.filter(decision=Decision.PENDING).select_related("module"):
        for person in approvers(approval):
            if not access.asked_for_change(person, change):
                people.setdefault(person.pk, person)
    notify(
        event=NotificationEvent.CHANGE_APPROVAL_REQUESTED,
        ticket=None,
        recipients=people.values(),
        cause=f"change:{change.pk}:submitted",
        context=_context(change),
    )


def decided(change: ChangeRequest) -> None:
    """Who raised the change hears it was approved or rejected."""
    notify(
        event=NotificationEvent.CHANGE_DECIDED,
        ticket=None,
        recipients=[change.raised_by],
        cause=f"change:{change.pk}:{change.status}",
        context=_context(change),
    )


def change_address(change: ChangeRequest) -> str:
    """The change's page, where its approvers decide it."""
    return f"{settings.SITE_URL}/changes/{change.pk}/"


def _context(change: ChangeRequest) -> dict[str, object]:
    return {"change": change, "link": change_address(change)}

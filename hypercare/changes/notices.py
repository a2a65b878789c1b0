"""Which notifications a change's step queues, and for whom. Called inside services."""

from django.conf import settings
from django.db.models import QuerySet

from hypercare import access
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.selectors import support_staff
from hypercare.changes.choices import ApproverRole, Decision
from hypercare.changes.models import ChangeApproval, ChangeRequest
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import notify


def module_owners(approval: ChangeApproval) -> QuerySet[User]:
    """Who decides a module's approval: its active owners holding the module-owner role
    in its institution. A module nobody owns is decided by support managers."""
    if approval.module is None:
        return User.objects.none()
    return approval.module.owners.filter(
        is_active=True,
        institution_id=approval.module.institution_id,
        role_grants__role=Role.MODULE_OWNER,
    ).order_by("last_name", "first_name", "pk")


def approvers(approval: ChangeApproval) -> list[User]:
    """The people who may decide ``approval`` (whoever asked for the change aside)."""
    if approval.role == ApproverRole.MODULE_OWNER:
        owners = list(module_owners(approval))
        if owners:
            return owners
    return list(support_staff(Role.SUPPORT_MANAGER))


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


def _context(change: ChangeRequest) -> dict[str, object]:
    return {"change": change, "link": f"{settings.SITE_URL}/changes/{change.pk}/"}

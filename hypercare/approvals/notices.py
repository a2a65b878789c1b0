"""The daily digest's mail: what waits for one person, each kind in its own list, each
item with the link to where it is decided."""

from django.conf import settings

from hypercare import access
from hypercare.access_requests.models import AccessRequest
from hypercare.access_requests.notices import portal_address
from hypercare.accounts.models import User
from hypercare.approvals.selectors import Waiting
from hypercare.changes.models import ChangeApproval
from hypercare.changes.notices import change_address
from hypercare.corrections.models import CorrectionRecord
from hypercare.corrections.notices import decision_address
from hypercare.lib.times import Moment
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import notify


def digest(person: User, day: str, waiting: Waiting) -> None:
    notify(
        event=NotificationEvent.APPROVALS_DIGEST,
        ticket=None,
        recipients=[person],
        cause=f"approvals:{day}",
        context={
            "day": day,
            "count": waiting.count,
            "access_requests": [_access_request(item) for item in waiting.access_requests],
            "changes": [_change(item) for item in waiting.change_approvals],
            "sign_offs": [_sign_off(item) for item in waiting.sign_offs],
            "address": waiting_page(person),
        },
    )


def waiting_page(person: User) -> str:
    """The page listing all that waits for ``person``: the portal's approvals page; for
    support staff, whose only approvals are changes', the desk's changes waiting."""
    if access.is_agent(person):
        return f"{settings.SITE_URL}/changes/approvals/"
    return f"{settings.SITE_URL}/portal/approvals/"


def _access_request(request: AccessRequest) -> dict[str, object]:
    return {
        "reference": request.reference,
        "what": f"{request.get_action_display()}: {request.change_text} for {request.person_text}",
        "requested_by": request.asked_by.display_name if request.asked_by else "Hypercare",
        "requested_at": Moment(request.requested_at),
        "address": portal_address(request),
    }


def _change(approval: ChangeApproval) -> dict[str, object]:
    change = approval.change
    module = approval.module
    return {
        "reference": change.reference,
        "title": change.title,
        "approval": (
            f"approval for {module.name} at {module.institution}"
            if module is not None
            else "the support manager's approval"
        ),
        "risk": change.get_risk_display().lower(),
        "starts": Moment(change.window_start) if change.window_start else None,
        "raised_by": change.raised_by.display_name,
        "address": change_address(change),
    }


def _sign_off(record: CorrectionRecord) -> dict[str, object]:
    ticket, asked = record.ticket, record.sign_off_requested_at
    return {
        "reference": ticket.reference,
        "title": ticket.title,
        "version": record.version,
        "asked_at": Moment(asked) if asked else None,
        "address": decision_address(ticket),
    }

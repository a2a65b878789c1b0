"""The daily digest of pending approvals: one mail per approval owner with anything
waiting for their decision."""

from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from hypercare.access_requests import notices
from hypercare.access_requests.choices import RequestStatus
from hypercare.access_requests.models import AccessRequest, ApprovalDigest
from hypercare.access_requests.selectors import awaiting_decision_of
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.lib.times import Moment
from hypercare.lib.transactions import use_case
from hypercare.orgs.selectors import desk_day


def send_approval_digests(*, now: datetime | None = None) -> dict[str, int]:
    """From ``HYPERCARE_APPROVAL_DIGEST_HOUR`` on, once a day, each approval owner with
    requests waiting for them gets one mail listing them. Each owner's day is claimed by
    inserting its unique row, so a second run or a second worker sends nothing more."""
    at = now or clock.now()
    if timezone.localtime(at).hour < settings.HYPERCARE_APPROVAL_DIGEST_HOUR:
        return {"digests": 0}
    day = desk_day(at)
    sent = 0
    for approver in _approvers_with_pending(day):
        pending = list(awaiting_decision_of(approver))
        if not pending:
            continue
        with use_case():
            try:
                with transaction.atomic():
                    ApprovalDigest.objects.create(
                        day=day, approver=approver, sent_at=at, pending=len(pending)
                    )
            except IntegrityError:
                continue
            notices.digest(approver, day.isoformat(), [_row(request) for request in pending])
            sent += 1
    return {"digests": sent}


def _approvers_with_pending(day: date) -> list[User]:
    """Active approval owners of institutions with a request awaiting approval, who have
    not had today's digest."""
    institutions = AccessRequest.objects.filter(status=RequestStatus.AWAITING_APPROVAL).values(
        "institution_id"
    )
    return list(
        User.objects.filter(
            is_active=True,
            institution_id__in=institutions,
            role_grants__role=Role.APPROVAL_OWNER,
        )
        .exclude(pk__in=ApprovalDigest.objects.filter(day=day).values("approver_id"))
        .prefetch_related("role_grants")
        .order_by("pk")
    )


def _row(request: AccessRequest) -> dict[str, object]:
    return {
        "reference": request.reference,
        "what": f"{request.get_action_display()}: {request.change_text} for {request.person_text}",
        "requested_by": request.requested_by.display_name if request.requested_by else "Hypercare",
        "requested_at": Moment(request.requested_at),
    }

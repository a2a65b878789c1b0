"""The daily digest of pending approvals: one mail a day to each person something waits
on, listing every kind that waits for their decision, each with its link."""

from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from hypercare.access_requests.models import ApprovalDigest
from hypercare.accounts.models import User
from hypercare.approvals import notices
from hypercare.approvals.selectors import people_waited_on, waiting_for
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.orgs.selectors import desk_day


def send_approval_digests(*, now: datetime | None = None) -> dict[str, int]:
    """From ``HYPERCARE_APPROVAL_DIGEST_HOUR`` on, once a day, each person with access
    requests, change approvals or data-correction sign-offs waiting for them gets one
    mail listing them all; nobody gets an empty one. Each person's day is claimed by
    inserting its unique row, so a second run or a second worker sends nothing more."""
    at = now or clock.now()
    if timezone.localtime(at).hour < settings.HYPERCARE_APPROVAL_DIGEST_HOUR:
        return {"digests": 0}
    day = desk_day(at)
    sent = 0
    for person in _not_yet_told(day):
        waiting = waiting_for(person)
        if not waiting.count:
            continue
        with use_case():
            try:
                with transaction.atomic():
                    ApprovalDigest.objects.create(
                        day=day, approver=person, sent_at=at, pending=waiting.count
                    )
            except IntegrityError:
                continue
            notices.digest(person, day.isoformat(), waiting)
            sent += 1
    return {"digests": sent}


def _not_yet_told(day: date) -> list[User]:
    told = set(ApprovalDigest.objects.filter(day=day).values_list("approver_id", flat=True))
    return [person for person in people_waited_on() if person.pk not in told]

"""Delivery status notifications: which notification bounced, and whose address is bad."""

from django.conf import settings

from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.mail.models import BouncedAddress
from hypercare.mail.parsing import BounceReport
from hypercare.notifications.models import OutboxMessage


def record_bounce(report: BounceReport) -> str:
    """Mark the notification ``report`` names and count the bounce on its recipient.

    After ``HYPERCARE_MAIL_HARD_BOUNCES`` hard bounces the address is flagged for admins
    (the bounced addresses list), once. What was done is returned, for the message's
    reason.
    """
    at = clock.now()
    status = (report.status or report.action)[:20]
    with use_case():
        matched = 0
        if report.original_message_id:
            matched = OutboxMessage.objects.filter(message_id=report.original_message_id).update(
                bounced_at=at, bounce_status=status
            )
        if report.recipient:
            _count(report, status)
    kind = "hard" if report.hard else "soft"
    found = "on our notification" if matched else "for no notification of ours"
    return f"Delivery report ({kind} bounce, {status or 'no status'}) {found}."


def _count(report: BounceReport, status: str) -> None:
    at = clock.now()
    address, _ = BouncedAddress.objects.select_for_update().get_or_create(
        email=report.recipient.strip().lower()[:254], defaults={"last_bounced_at": at}
    )
    if report.hard:
        address.hard_bounces += 1
    else:
        address.soft_bounces += 1
    address.last_status = status
    address.last_bounced_at = at
    if address.flagged_at is None and address.hard_bounces >= settings.HYPERCARE_MAIL_HARD_BOUNCES:
        address.flagged_at = at
    address.save()

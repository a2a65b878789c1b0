"""The periodic jobs, one registry for both engines.

The embedded worker (``hypercare worker``, started by ``hypercare serve``) and Celery beat
(``hypercare.celery``) read the same table, so a job is written once. Every job is a thin
wrapper over a service that is idempotent and safe to run in several workers at once: a
run that is repeated, late or concurrent with another changes nothing twice.
"""

from collections.abc import Callable
from dataclasses import dataclass

from hypercare.access_requests.services.reviews import open_due_reviews
from hypercare.access_requests.services.temporary import handle_temporary_access
from hypercare.approvals.services import send_approval_digests
from hypercare.backups.schedule import take_scheduled_backup
from hypercare.escalations.services.review import flag_missed_updates, send_daily_digest
from hypercare.handover.steady_state import record_scorecards
from hypercare.incidents.services import flag_missed_resolutions
from hypercare.incidents.services import flag_missed_updates as flag_missed_incident_updates
from hypercare.mail.imap import poll_all
from hypercare.mail.intake import process_received
from hypercare.notifications.delivery import deliver_due
from hypercare.notifications.services import prune_read_notifications
from hypercare.privacy.services.retention import purge_expired_attachments
from hypercare.reports.daycounts import count_days
from hypercare.reports.services import build_queued_packs, run_due_schedules
from hypercare.reports.titlecounts import count_titles
from hypercare.sla.services import sweep_sla
from hypercare.tickets.services.attachments import remove_expired_uploads
from hypercare.tickets.services.autoclose import close_quiet_resolved_tickets


@dataclass(frozen=True)
class Job:
    function: Callable[[], dict[str, int]]
    interval_seconds: float


def sla_sweep() -> dict[str, int]:
    """Warn about and breach every SLA clock that has come due."""
    return sweep_sla()


def outbox_delivery() -> dict[str, int]:
    """Send the notifications that are due, retrying failed ones with back-off."""
    return deliver_due()


def escalation_updates() -> dict[str, int]:
    """Flag and notify each escalation update that was due and not posted, once."""
    return flag_missed_updates()


def escalation_digest() -> dict[str, int]:
    """Mail the daily review of open escalations, once a day from the configured hour."""
    return send_daily_digest()


def incident_updates() -> dict[str, int]:
    """Flag and notify each major incident update that was due and not posted, once."""
    return flag_missed_incident_updates()


def incident_resolutions() -> dict[str, int]:
    """Flag and notify each active major incident past its resolution target, once."""
    return flag_missed_resolutions()


def mail_poll() -> dict[str, int]:
    """Read every polling mailbox over IMAP: store new messages, then settle their copies."""
    return poll_all()


def pending_upload_cleanup() -> dict[str, int]:
    """Remove the files kept for forms that were never sent again."""
    return remove_expired_uploads()


def mail_process() -> dict[str, int]:
    """Turn received messages into tickets, replies, records or quarantined items."""
    return process_received()


def temporary_access() -> dict[str, int]:
    """Remind before temporary access ends, and request its removal once it has, once each."""
    return handle_temporary_access()


def access_reviews() -> dict[str, int]:
    """Open each institution's periodic access review when it is due."""
    return open_due_reviews()


def approval_digest() -> dict[str, int]:
    """Mail each person what waits for their decision (access requests, change approvals,
    data-correction sign-offs), once a day from the hour set."""
    return send_approval_digests()


def exit_scorecards() -> dict[str, int]:
    """Record each institution in hypercare's exit scorecard, once a day."""
    return record_scorecards()


def review_pack_builds() -> dict[str, int]:
    """Build the review packs asked for, each by one worker, mailing scheduled ones."""
    return build_queued_packs()


def review_pack_schedules() -> dict[str, int]:
    """Queue a review pack for each schedule that has come due, once per run."""
    return run_due_schedules()


def day_counts() -> dict[str, int]:
    """Count the dashboards' complete days ahead, and again those changed tickets touch."""
    return count_days()


def title_counts() -> dict[str, int]:
    """Count the recurring issues' title groups ahead, once an hour."""
    return count_titles()


def auto_close() -> dict[str, int]:
    """Tell requesters the day before a resolved ticket closes, then close it."""
    return close_quiet_resolved_tickets()


def attachment_retention() -> dict[str, int]:
    """Remove closed tickets' files once their institution's retention has run out."""
    return purge_expired_attachments()


def notification_retention() -> dict[str, int]:
    """Remove the notification centre's notifications read more than 90 days ago."""
    return prune_read_notifications()


def backup() -> dict[str, int]:
    """Take the day's backup once, and remove archives past the retention."""
    return take_scheduled_backup()


JOBS = {
    "sla_sweep": Job(sla_sweep, interval_seconds=30),
    "outbox_delivery": Job(outbox_delivery, interval_seconds=10),
    "escalation_updates": Job(escalation_updates, interval_seconds=60),
    "escalation_digest": Job(escalation_digest, interval_seconds=300),
    "incident_updates": Job(incident_updates, interval_seconds=60),
    "incident_resolutions": Job(incident_resolutions, interval_seconds=60),
    "mail_poll": Job(mail_poll, interval_seconds=60),
    "pending_upload_cleanup": Job(pending_upload_cleanup, interval_seconds=3600),
    "mail_process": Job(mail_process, interval_seconds=10),
    "temporary_access": Job(temporary_access, interval_seconds=900),
    "access_reviews": Job(access_reviews, interval_seconds=3600),
    "approval_digest": Job(approval_digest, interval_seconds=300),
    "exit_scorecards": Job(exit_scorecards, interval_seconds=3600),
    "review_pack_builds": Job(review_pack_builds, interval_seconds=5),
    "review_pack_schedules": Job(review_pack_schedules, interval_seconds=60),
    "day_counts": Job(day_counts, interval_seconds=300),
    "title_counts": Job(title_counts, interval_seconds=300),
    "auto_close": Job(auto_close, interval_seconds=900),
    "attachment_retention": Job(attachment_retention, interval_seconds=3600),
    "backup": Job(backup, interval_seconds=3600),
    "notification_retention": Job(notification_retention, interval_seconds=3600),
}

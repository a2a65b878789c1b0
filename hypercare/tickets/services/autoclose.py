"""Closing resolved tickets the requester has not answered, as the desk itself.

A resolved ticket closes its institution's ``auto_close_days`` after it was resolved; until
then a reply from the requester side reopens it (``conversation.can_still_reopen``). The
day before, the requester side is told when it will close. Both run as the ``auto_close``
job on either engine: each warning is queued under a cause naming the ticket and the
moment it was resolved, so a repeated or concurrent run queues nothing twice, and each
close re-reads the locked ticket, so a reopening or another worker's close in between
wins.
"""

from datetime import datetime, timedelta

from django.db.models import Q

from hypercare.lib import clock
from hypercare.lib.times import Moment
from hypercare.lib.transactions import use_case
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import Notice, notify_many
from hypercare.orgs.models import Institution
from hypercare.sla.services import replan_ticket
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services import notices
from hypercare.tickets.services.common import lock
from hypercare.tickets.services.conversation import closes_at
from hypercare.tickets.services.lifecycle import set_status

WARNING_AHEAD = timedelta(days=1)


def close_quiet_resolved_tickets() -> dict[str, int]:
    """Warn the requesters of tickets closing within a day, then close those now due."""
    at = clock.now()
    return {"warned": _warn(at), "closed": _close(at)}


def _resolved_before(at: datetime, ahead: timedelta) -> Q:
    """Resolved tickets whose closing time (per their institution) is at or before
    ``at + ahead``: one condition per institution, on the resolved tickets' index."""
    condition = Q(pk__in=[])
    for institution, days in Institution.objects.values_list("pk", "auto_close_days"):
        cutoff = at + ahead - timedelta(days=days)
        condition |= Q(institution_id=institution, resolved_at__lte=cutoff)
    return Q(status=Status.RESOLVED) & condition


def _warn(at: datetime) -> int:
    closing = (
        Ticket.objects.filter(_resolved_before(at, WARNING_AHEAD))
        .exclude(_resolved_before(at, timedelta(0)))
        .select_related("institution", "requester", "reported_by")
    )
    batch = [
        Notice(
            ticket,
            notices.requester_side(ticket, None),
            f"closing:{ticket.resolved_at:%Y%m%dT%H%M%S.%f}",
            {"closes_at": Moment(when)},
        )
        for ticket in closing
        if (when := closes_at(ticket)) is not None
    ]
    with use_case():
        notify_many(event=NotificationEvent.TICKET_CLOSING, notices=batch)
    return len(batch)


def _close(at: datetime) -> int:
    closed = 0
    due = Ticket.objects.filter(_resolved_before(at, timedelta(0))).values_list("pk", flat=True)
    for pk in list(due):
        with use_case():
            ticket = lock(Ticket(pk=pk))
            when = closes_at(ticket)
            if when is None or when > at:
                continue  # reopened, or closed by another worker, since it was listed
            days = ticket.institution.auto_close_days
            changed = set_status(
                ticket,
                actor=None,
                at=at,
                status=Status.CLOSED,
                reason=f"Closed automatically: resolved {days} days ago with no reply.",
            )
            ticket.updated_at = at
            ticket.save()
            replan_ticket(ticket, at=at)
            if changed is not None:
                notices.status_changed(ticket, changed, None)
            closed += 1
    return closed

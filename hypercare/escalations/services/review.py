"""The escalation jobs: missed updates flagged once each, and the daily digest."""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.timesince import timesince

from hypercare.escalations import events, notices
from hypercare.escalations.choices import (
    OPEN_ESCALATION_STATUSES,
    EscalationLevel,
    EscalationStatus,
)
from hypercare.escalations.models import Escalation, EscalationDigest
from hypercare.escalations.selectors import desk_open_escalations, escalation_managers
from hypercare.escalations.services.common import lock
from hypercare.incidents.models import MajorIncident
from hypercare.incidents.selectors import desk_active_incidents, overdue_first
from hypercare.lib import clock
from hypercare.lib.times import Moment
from hypercare.lib.transactions import use_case
from hypercare.orgs.selectors import desk_day

SWEEP_BATCH = 500


def flag_missed_updates(*, now: datetime | None = None) -> dict[str, int]:
    """Flag and notify every open escalation whose update is overdue, once per due update.

    Each is claimed with a conditional UPDATE, so several workers never flag one twice;
    posting the update (or a new plan) makes the next due update claimable again.
    """
    at = now or clock.now()
    due = Q(
        status__in=OPEN_ESCALATION_STATUSES,
        next_update_due_at__lte=at,
        update_missed_at__isnull=True,
    )
    flagged = 0
    for pk in list(Escalation.objects.filter(due).values_list("pk", flat=True)[:SWEEP_BATCH]):
        with use_case():
            if not Escalation.objects.filter(due, pk=pk).update(update_missed_at=at):
                continue
            escalation = lock(Escalation(pk=pk))
            # The claim matched on a due time, so there is one; ``at`` only satisfies types.
            due_at = escalation.next_update_due_at or at
            event = events.record_update_missed(escalation, at, due_at)
            notices.update_missed(escalation, event, Moment(due_at))
            flagged += 1
    return {"missed_updates": flagged}


def send_daily_digest(*, now: datetime | None = None) -> dict[str, int]:
    """Mail the daily review of active major incidents and open escalations to every
    escalation manager, once a day.

    Runs often; from the configured hour on, the first run of the day claims the day by
    inserting its unique row and sends the digest, and every later run finds it taken.
    No mail goes out on a day with nothing open.
    """
    at = now or clock.now()
    day = desk_day(at)
    if timezone.localtime(at).hour < settings.HYPERCARE_ESCALATION_DIGEST_HOUR:
        return {"digests": 0}
    if EscalationDigest.objects.filter(day=day).exists():
        return {"digests": 0}
    with use_case():
        incidents = overdue_first(desk_active_incidents(), at)
        rows = [incident_digest_row(incident, at) for incident in incidents]
        rows += [digest_row(escalation, at) for escalation in desk_open_escalations()]
        try:
            with transaction.atomic():
                EscalationDigest.objects.create(day=day, sent_at=at, escalations=len(rows))
        except IntegrityError:
            return {"digests": 0}
        if rows:
            notices.digest(day, rows, escalation_managers(at))
    return {"digests": int(bool(rows))}


def digest_row(escalation: Escalation, at: datetime) -> dict[str, object]:
    """One open escalation as the digest mail lists it, times in each reader's zone."""
    ticket = escalation.ticket
    due = escalation.next_update_due_at
    last = escalation.last_update_at
    return {
        "reference": ticket.reference,
        "title": ticket.title,
        "institution": ticket.institution.name,
        "status": EscalationStatus(escalation.status).label,
        "level": EscalationLevel(escalation.level).label,
        "manager": escalation.manager.display_name if escalation.manager else "nobody yet",
        "age": timesince(escalation.requested_at, at),
        "last_update": Moment(last) if last else "none yet",
        "next_update_due": Moment(due) if due else "—",
        "overdue": due is not None and due <= at,
        "action_plan": escalation.action_plan or "not recorded yet",
    }


def incident_digest_row(incident: MajorIncident, at: datetime) -> dict[str, object]:
    """An active major incident as the digest lists it, in an escalation's columns: the
    desk's managers read it, so it names every affected institution. One past its
    resolution target says so in its status (the digest lists those first)."""
    due = incident.next_update_due_at
    last = incident.last_update_at
    children = len(incident.children.all())
    return {
        "reference": incident.reference,
        "title": incident.title,
        "institution": ", ".join(institution.name for institution in incident.institutions.all()),
        "status": f"Major incident, {children} ticket{'s' if children != 1 else ''}"
        + ("; RESOLUTION OVERDUE" if incident.resolve_overdue(at) else ""),
        "level": incident.get_module_code_display(),
        "manager": incident.declared_by.display_name,
        "age": timesince(incident.started_at, at),
        "last_update": Moment(last) if last else "none yet",
        "next_update_due": Moment(due) if due else "—",
        "overdue": due is not None and due <= at,
        "action_plan": incident.impact,
    }

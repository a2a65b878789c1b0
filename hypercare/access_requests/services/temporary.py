"""Temporary access: a reminder before it ends, and its removal requested once it has.

Both run in the ``temporary_access`` job. Each request is claimed with a conditional
UPDATE of its own column (``end_reminded_at``, ``removal_requested_at``), so two workers
never remind twice or open two removals.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q

from hypercare.access_requests import events, notices
from hypercare.access_requests.choices import AccessAction, AccessTicketEventKind, RequestStatus
from hypercare.access_requests.models import AccessRequest
from hypercare.access_requests.services.requests import RequestDetails, create_request, lock
from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.orgs.selectors import desk_day

BATCH = 200


def handle_temporary_access(*, now: datetime | None = None) -> dict[str, int]:
    """Remind about temporary access ending soon, and request the removal of ended access."""
    at = now or clock.now()
    today = desk_day(at)
    return {"reminded": remind_ending(at, today), "removals": open_removals(at, today)}


def remind_ending(at: datetime, today: date) -> int:
    """Once per temporary grant, ``HYPERCARE_ACCESS_END_REMINDER_DAYS`` before it ends:
    a notification to the ticket's agent (else its team, else the agent who did it) and
    an entry on the ticket's timeline."""
    horizon = today + timedelta(days=settings.HYPERCARE_ACCESS_END_REMINDER_DAYS)
    due = Q(
        status=RequestStatus.DONE,
        ends_on__isnull=False,
        ends_on__lte=horizon,
        ends_on__gt=today,
        end_reminded_at__isnull=True,
    )
    reminded = 0
    for pk in list(AccessRequest.objects.filter(due).values_list("pk", flat=True)[:BATCH]):
        with use_case():
            if not AccessRequest.objects.filter(due, pk=pk).update(end_reminded_at=at):
                continue
            request = lock(AccessRequest(pk=pk))
            events.record(request, AccessTicketEventKind.ACCESS_ENDING, None, at, is_internal=True)
            notices.ending(request, _who_removes(request))
            reminded += 1
    return reminded


def _who_removes(request: AccessRequest) -> list[User]:
    """The ticket's agent; without one, its team (members and lead); else who did it."""
    ticket = request.ticket
    if ticket is not None and ticket.assignee is not None:
        return [ticket.assignee]
    if ticket is not None and ticket.team is not None:
        team = [*ticket.team.members.filter(is_active=True)]
        if ticket.team.lead is not None:
            team.append(ticket.team.lead)
        if team:
            return team
    return [request.done_by] if request.done_by is not None else []


def open_removals(at: datetime, today: date) -> int:
    """Once per temporary grant that has ended: a new access request to remove the role,
    linked to the grant (``origin``), for the approval owner to decide like any other."""
    due = Q(
        status=RequestStatus.DONE,
        ends_on__isnull=False,
        ends_on__lte=today,
        removal_requested_at__isnull=True,
    )
    opened = 0
    for pk in list(AccessRequest.objects.filter(due).values_list("pk", flat=True)[:BATCH]):
        with use_case():
            if not AccessRequest.objects.filter(due, pk=pk).update(removal_requested_at=at):
                continue
            grant = lock(AccessRequest(pk=pk))
            details = RequestDetails(
                action=AccessAction.REMOVE,
                role=grant.role,
                effective_on=today,
                person=grant.person,
                person_name=grant.person_name,
                erp_login=grant.erp_login,
            )
            create_request(
                institution=grant.institution, details=details, requested_by=None, origin=grant
            )
            events.record(grant, AccessTicketEventKind.ACCESS_REMOVAL_OPENED, None, at)
            opened += 1
    return opened

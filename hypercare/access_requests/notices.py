"""Which notifications an access request's step queues, and for whom. Called inside
services; the cause is the request and its step, so a repeated run queues nothing more."""

from collections.abc import Iterable, Sequence

from django.conf import settings

from hypercare.access_requests.choices import RequestStatus
from hypercare.access_requests.models import AccessRequest
from hypercare.accounts.models import User
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import notify


def portal_address(request: AccessRequest) -> str:
    return f"{settings.SITE_URL}/portal/access-requests/{request.pk}/"


def approval_requested(request: AccessRequest, approvers: Iterable[User]) -> None:
    asked_by = request.asked_by
    requested_by = asked_by.display_name if asked_by else "Hypercare"
    notify(
        event=NotificationEvent.ACCESS_APPROVAL_REQUESTED,
        ticket=request.ticket,
        recipients=approvers,
        cause=f"access:{request.pk}:requested",
        context={
            "access_request": request,
            "requested_by": requested_by,
            "address": portal_address(request),
        },
    )


def decided(request: AccessRequest) -> None:
    """Who asked, who recorded the request and the agent working the ticket hear the
    decision."""
    recipients = [request.asked_by, request.requested_by]
    if request.ticket is not None:
        recipients.append(request.ticket.assignee)
    notify(
        event=NotificationEvent.ACCESS_REQUEST_DECIDED,
        ticket=request.ticket,
        recipients=recipients,
        cause=f"access:{request.pk}:decided",
        context={
            "access_request": request,
            "decision": "rejected" if request.status == RequestStatus.REJECTED else "approved",
        },
    )


def ending(request: AccessRequest, recipients: Sequence[User]) -> None:
    notify(
        event=NotificationEvent.ACCESS_ENDING,
        ticket=request.ticket,
        recipients=recipients,
        cause=f"access:{request.pk}:ending",
        context={"access_request": request},
    )

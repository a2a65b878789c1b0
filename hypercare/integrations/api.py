"""Integration ticket endpoints: thin adapters over the services and selectors."""

from django.http import HttpRequest
from ninja import Router, Status

from hypercare.api.common import actor, errors
from hypercare.errors import ValidationFailed
from hypercare.integrations import selectors, services
from hypercare.integrations.models import ContactRequest, TransactionTrace
from hypercare.integrations.schemas import (
    ContactRequestIn,
    ContactRequestOut,
    IntegrationWorkOut,
    TraceIn,
    TraceOut,
)
from hypercare.orgs.models import IntegrationContact
from hypercare.tickets.api import NO_TICKET
from hypercare.tickets.selectors import get_visible_ticket_by_ref

router = Router(tags=["integrations"])
NOT_OPEN = "The ticket is not an open integration ticket."


@router.get(
    "/tickets/{ticket_ref}/integration",
    response={
        200: IntegrationWorkOut,
        **errors(401, not_found=NO_TICKET, forbidden=selectors.STAFF_ONLY),
    },
)
def integration_work(request: HttpRequest, ticket_ref: str) -> selectors.IntegrationWork:
    """The ticket's integration with its contacts, what tracing found and whom support
    asked (support staff)."""
    user = actor(request)
    return selectors.integration_work(user, get_visible_ticket_by_ref(user, ticket_ref))


@router.post(
    "/tickets/{ticket_ref}/integration/traces",
    response={
        201: TraceOut,
        **errors(401, 422, not_found=NO_TICKET, forbidden=services.WORK_REFUSED, conflict=NOT_OPEN),
    },
)
def record_trace(
    request: HttpRequest, ticket_ref: str, payload: TraceIn
) -> Status[TransactionTrace]:
    user = actor(request)
    trace = services.record_trace(
        ticket=get_visible_ticket_by_ref(user, ticket_ref),
        actor=user,
        transaction_reference=payload.transaction_reference,
        finding=payload.finding,
    )
    return Status(201, trace)


@router.post(
    "/tickets/{ticket_ref}/integration/contact-requests",
    response={
        201: ContactRequestOut,
        **errors(401, 422, not_found=NO_TICKET, forbidden=services.WORK_REFUSED, conflict=NOT_OPEN),
    },
)
def ask_contact(
    request: HttpRequest, ticket_ref: str, payload: ContactRequestIn
) -> Status[ContactRequest]:
    """Mail one of the integration's contacts about the ticket; 422 when the contact is
    not one of the ticket's integration's or has no email address."""
    user = actor(request)
    ticket = get_visible_ticket_by_ref(user, ticket_ref)
    contact = IntegrationContact.objects.filter(pk=payload.contact_id).first()
    if contact is None:
        raise ValidationFailed({"contact_id": "is not a contact of this ticket's integration"})
    asked = services.ask_contact(
        ticket=ticket, actor=user, contact=contact, message=payload.message
    )
    return Status(201, asked)

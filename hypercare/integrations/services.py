"""Write use cases of an integration ticket: record a trace, ask a contact."""

from datetime import datetime

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition
from hypercare.integrations import events
from hypercare.integrations.models import ContactRequest, TransactionTrace
from hypercare.integrations.selectors import integration_of
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import notify_address
from hypercare.orgs.models import IntegrationContact
from hypercare.tickets.choices import Category, Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import lock, require

WORK_REFUSED = "Only support staff work an integration ticket."
REFERENCE_MAX = 200
TEXT_MAX = 10_000


def record_trace(
    *, ticket: Ticket, actor: User, transaction_reference: str, finding: str
) -> TransactionTrace:
    """What tracing a failing transaction found: where it stopped and why. The
    reference defaults to the one the requester gave at intake."""
    require(access.can_work_ticket(actor), WORK_REFUSED)
    errors = FieldErrors()
    given = transaction_reference or ticket.category_details.get("transaction_reference", "")
    reference = errors.line("transaction_reference", given, REFERENCE_MAX)
    text = errors.text("finding", finding, TEXT_MAX)
    errors.check()
    with use_case():
        ticket = _open_integration_ticket(ticket)
        at = clock.now()
        trace = TransactionTrace.objects.create(
            ticket=ticket,
            transaction_reference=reference,
            finding=text,
            traced_by=actor,
            traced_at=at,
        )
        events.record_traced(trace, actor, at)
        _touch(ticket, at)
    return trace


def ask_contact(
    *, ticket: Ticket, actor: User, contact: IntegrationContact, message: str
) -> ContactRequest:
    """Mail one of the ticket's integration's contacts ("ask the gateway vendor"): the
    mail carries the ticket's reference, so their answer threads back to the ticket
    (held in the mail quarantine for support to attach when the sender is nobody on the
    desk). The message goes on the timeline, internal."""
    require(access.can_work_ticket(actor), WORK_REFUSED)
    errors = FieldErrors()
    text = errors.text("message", message, TEXT_MAX)
    integration = integration_of(ticket)
    if integration is None or contact.integration_id != integration.pk:
        errors.add("contact", "is not a contact of this ticket's integration")
    elif not contact.email:
        phone = f": call {contact.phone}" if contact.phone else ""
        errors.add("contact", f"has no email address{phone}")
    errors.check()
    with use_case():
        ticket = _open_integration_ticket(ticket)
        at = clock.now()
        request = ContactRequest.objects.create(
            ticket=ticket,
            contact=contact,
            to_email=contact.email,
            message=text,
            asked_by=actor,
            asked_at=at,
        )
        events.record_asked(request, actor, at)
        notify_address(
            event=NotificationEvent.INTEGRATION_CONTACT_ASKED,
            to_email=contact.email,
            cause=f"contact-request:{request.pk}",
            context={
                "ticket": ticket,
                "contact": contact,
                "integration": integration,
                "message": text,
                "asked_by": actor,
            },
            ticket=ticket,
        )
        _touch(ticket, at)
    return request


def _open_integration_ticket(ticket: Ticket) -> Ticket:
    ticket = lock(ticket)
    if ticket.category != Category.INTEGRATION:
        raise InvalidTransition("Only an integration ticket has an integration to work on.")
    if ticket.status == Status.CLOSED:
        raise InvalidTransition("The ticket is closed.")
    return ticket


def _touch(ticket: Ticket, at: datetime) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=at)

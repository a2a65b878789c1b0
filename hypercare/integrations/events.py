"""The integration workflow's timeline events, written by its services."""

from datetime import datetime

from hypercare.accounts.models import User
from hypercare.integrations.choices import IntegrationTicketEventKind
from hypercare.integrations.models import ContactRequest, TransactionTrace
from hypercare.tickets.event_kinds import Sentence
from hypercare.tickets.events import append
from hypercare.tickets.models import TicketEvent


def record_traced(trace: TransactionTrace, actor: User, at: datetime) -> TicketEvent:
    return append(
        trace.ticket,
        IntegrationTicketEventKind.TRANSACTION_TRACED,
        actor,
        at,
        is_internal=True,
        new_value=trace.transaction_reference,
        body=trace.finding,
    )


def record_asked(request: ContactRequest, actor: User, at: datetime) -> TicketEvent:
    contact = request.contact
    who = f"{contact.name} ({contact.organisation})" if contact.organisation else contact.name
    return append(
        request.ticket,
        IntegrationTicketEventKind.CONTACT_ASKED,
        actor,
        at,
        is_internal=True,
        new_value=f"{who} <{request.to_email}>",
        body=request.message,
    )


SENTENCES: dict[str, Sentence] = {
    IntegrationTicketEventKind.TRANSACTION_TRACED: lambda actor, event: (
        f"{actor} traced the failing transaction {event.new_value}"
    ),
    IntegrationTicketEventKind.CONTACT_ASKED: lambda actor, event: (
        f"{actor} asked the integration's contact {event.new_value}"
    ),
}

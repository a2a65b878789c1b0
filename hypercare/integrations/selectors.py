"""Reads of an integration ticket's work: its integration with the contacts, what tracing
found and whom support asked. Support staff's working notes: nobody else reads them."""

from dataclasses import dataclass

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed
from hypercare.integrations.models import ContactRequest, TransactionTrace
from hypercare.orgs.models import Integration, IntegrationContact
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket

STAFF_ONLY = "Only support staff see an integration ticket's working notes."


@dataclass(frozen=True)
class IntegrationWork:
    integration: Integration | None
    contacts: list[IntegrationContact]
    traces: list[TransactionTrace]
    requests: list[ContactRequest]


def integration_of(ticket: Ticket) -> Integration | None:
    """The integration an integration ticket names (of its own institution: intake
    checked it); None for any other category."""
    if ticket.category != Category.INTEGRATION:
        return None
    pk = ticket.category_details.get("integration_id")
    return Integration.objects.filter(pk=pk, institution_id=ticket.institution_id).first()


def integration_work(user: User, ticket: Ticket) -> IntegrationWork:
    """The ticket's integration, its contacts, traces and contact requests, for support
    staff; the caller has the ticket from the user's scope already."""
    if not access.can_work_ticket(user):
        raise NotAllowed(STAFF_ONLY)
    integration = integration_of(ticket)
    contacts = list(integration.contacts.all()) if integration is not None else []
    return IntegrationWork(
        integration=integration,
        contacts=contacts,
        traces=list(TransactionTrace.objects.filter(ticket=ticket).select_related("traced_by")),
        requests=list(
            ContactRequest.objects.filter(ticket=ticket).select_related("contact", "asked_by")
        ),
    )

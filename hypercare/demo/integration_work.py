"""The demo's integration tickets at work: one traced, one traced and handed to the
vendor, so each step of the integration workflow shows somewhere."""

from hypercare.accounts.models import User
from hypercare.integrations.selectors import integration_of
from hypercare.integrations.services import ask_contact, record_trace
from hypercare.tickets.choices import OPEN_STATUSES, Category
from hypercare.tickets.models import Ticket

AGENT = "kenji.sato"
FINDING = (
    "The ERP sent the request; the gateway's log shows it received and refused it with "
    "'merchant not active' — the fault is on the gateway's side."
)


def trace_and_hand_off() -> list[Ticket]:
    """The two oldest open integration tickets whose integration has a contact by mail."""
    agent = User.objects.get(username=AGENT)
    worked: list[Ticket] = []
    for ticket in Ticket.objects.filter(
        category=Category.INTEGRATION, status__in=OPEN_STATUSES
    ).order_by("pk"):
        integration = integration_of(ticket)
        vendor = integration.contacts.exclude(email="").first() if integration else None
        if vendor is None:
            continue
        record_trace(ticket=ticket, actor=agent, transaction_reference="", finding=FINDING)
        if worked:
            message = (
                f"Could you check why {integration} refuses our requests as 'merchant not "
                f"active' since this morning? The ticket's reference is {ticket.reference}."
            )
            ask_contact(ticket=ticket, actor=agent, contact=vendor, message=message)
        worked.append(ticket)
        if len(worked) == 2:
            break
    return worked

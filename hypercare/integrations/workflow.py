"""Where an integration ticket is: the integration named with its contacts, the failing
transaction traced, then handed to the vendor when the fault is theirs."""

from hypercare.integrations.models import ContactRequest, TransactionTrace
from hypercare.integrations.selectors import integration_of
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.workflows import Progress


def integration_progress(ticket: Ticket) -> Progress:
    """Read by everyone who sees the ticket, so it names the integration (the requester
    chose it) and the organisation asked, never a contact's address."""
    integration = integration_of(ticket)
    if integration is None:
        return Progress(
            step="integration", waiting_for="Waiting for the failing connection to be named."
        )
    taken = [f"Integration: {integration.name}."]
    trace = TransactionTrace.objects.filter(ticket_id=ticket.pk).order_by("-traced_at").first()
    asked = (
        ContactRequest.objects.filter(ticket_id=ticket.pk)
        .select_related("contact")
        .order_by("-asked_at")
        .first()
    )
    finished = ticket.status in (Status.RESOLVED, Status.CLOSED)
    if trace is None and asked is None:
        reference = ticket.category_details.get("transaction_reference", "")
        what = f"the failing transaction {reference}" if reference else "a failing transaction"
        waiting = "" if finished else f"Waiting for support to trace {what}."
        return Progress(step="failing_transaction", waiting_for=waiting, taken=tuple(taken))
    if trace is not None:
        taken.append(f"Transaction {trace.transaction_reference} traced.")
    if asked is None:
        waiting = "" if finished else "Traced; handed to the vendor if the fault is theirs."
        return Progress(step="vendor_hand_off", waiting_for=waiting, taken=tuple(taken))
    contact = asked.contact
    who = contact.organisation or contact.name
    taken.append(f"Handed to {who}.")
    waiting = "" if finished else f"Waiting for {who} to answer."
    return Progress(step="", waiting_for=waiting, taken=tuple(taken))

"""The integration panel of an integration ticket's desk page: the integration and its
contacts, what tracing found, whom support asked, and the forms for both."""

from dataclasses import dataclass

from hypercare import access
from hypercare.accounts.models import User
from hypercare.integrations.selectors import IntegrationWork, integration_work
from hypercare.tickets.choices import Category, Status
from hypercare.tickets.models import Ticket
from hypercare.web.integrations.forms import ContactRequestForm, TraceForm


@dataclass
class IntegrationPanel:
    work: IntegrationWork
    trace_form: TraceForm | None = None
    ask_form: ContactRequestForm | None = None
    # The form shown open: the one posted with errors.
    open: str = ""


def integration_panel(
    user: User,
    ticket: Ticket,
    *,
    trace_form: TraceForm | None = None,
    ask_form: ContactRequestForm | None = None,
) -> IntegrationPanel | None:
    """None for a ticket of another category, or for a viewer who is not support staff."""
    if ticket.category != Category.INTEGRATION or not access.can_work_ticket(user):
        return None
    panel = IntegrationPanel(integration_work(user, ticket))
    if ticket.status != Status.CLOSED:
        panel.trace_form = trace_form or TraceForm(auto_id="id_trace-%s")
        if any(contact.email for contact in panel.work.contacts):
            panel.ask_form = ask_form or ContactRequestForm(
                auto_id="id_ask-%s", contacts=panel.work.contacts
            )
        panel.open = "trace" if trace_form else "ask" if ask_form else ""
    return panel

"""An integration ticket's work on the desk's ticket page: record a trace, ask a contact
(HTMX swaps the panel and the timeline reloads itself; a plain form post goes back to
the page)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed
from hypercare.integrations import services
from hypercare.integrations.selectors import integration_work
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import get_visible_ticket
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.integrations.forms import ContactRequestForm, TraceForm
from hypercare.web.integrations.panel import integration_panel
from hypercare.web.tickets.desk_ticket import side_panel_changed, side_panel_refused


@workspace_view
@require_POST
def record_trace(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    form = TraceForm(request.POST, auto_id="id_trace-%s")
    if form.is_valid():
        try:
            services.record_trace(
                ticket=ticket,
                actor=user,
                transaction_reference=form.cleaned_data["transaction_reference"],
                finding=form.cleaned_data["finding"],
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            return _changed(request, user, ticket, "Trace recorded.")
    return _refused(request, user, ticket, trace_form=form)


@workspace_view
@require_POST
def ask_contact(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    contacts = integration_work(user, ticket).contacts
    form = ContactRequestForm(request.POST, auto_id="id_ask-%s", contacts=contacts)
    if form.is_valid():
        contact = form.cleaned_data["contact"]
        try:
            services.ask_contact(
                ticket=ticket, actor=user, contact=contact, message=form.cleaned_data["message"]
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            return _changed(request, user, ticket, f"{contact.name} is asked by mail.")
    return _refused(request, user, ticket, ask_form=form)


PANEL = "web/integrations/_desk_panel.html"


def _changed(request: HttpRequest, user: User, ticket: Ticket, done: str) -> HttpResponse:
    panel = {"integration": integration_panel(user, ticket)}
    return side_panel_changed(request, ticket, PANEL, panel, done)


def _refused(
    request: HttpRequest,
    user: User,
    ticket: Ticket,
    *,
    trace_form: TraceForm | None = None,
    ask_form: ContactRequestForm | None = None,
) -> HttpResponse:
    panel = integration_panel(user, ticket, trace_form=trace_form, ask_form=ask_form)
    return side_panel_refused(request, user, ticket, PANEL, {"integration": panel})

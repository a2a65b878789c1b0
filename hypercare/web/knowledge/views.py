"""The training-gap flag on the desk's ticket page: set (or reword) and clear it."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from hypercare.errors import ValidationFailed
from hypercare.knowledge import services
from hypercare.knowledge.selectors import training_gap_of
from hypercare.tickets.selectors import get_visible_ticket
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.knowledge.forms import TrainingGapForm
from hypercare.web.tickets.desk_ticket import side_panel_changed, side_panel_refused

PANEL = "web/knowledge/_desk_panel.html"


@workspace_view
@require_POST
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    form = TrainingGapForm(request.POST, auto_id="id_gap-%s")
    if form.is_valid():
        try:
            services.flag_training_gap(ticket=ticket, actor=user, **form.cleaned_data)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            panel: dict[str, object] = {"gap": training_gap_of(ticket), "gap_form": None}
            return side_panel_changed(request, ticket, PANEL, panel, "Training gap flagged.")
    refused: dict[str, object] = {"gap": training_gap_of(ticket), "gap_form": form}
    return side_panel_refused(request, user, ticket, PANEL, refused)


@workspace_view
@require_POST
def clear(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    services.clear_training_gap(ticket=ticket, actor=user)
    panel: dict[str, object] = {"gap": None, "gap_form": TrainingGapForm(auto_id="id_gap-%s")}
    return side_panel_changed(request, ticket, PANEL, panel, "Training-gap flag cleared.")

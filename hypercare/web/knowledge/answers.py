"""The "answered by" panel of the desk's ticket page: the articles that answer the
ticket, link one by its number, unlink one. Its own template and tag, so the ticket page
only includes it."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound, ValidationFailed
from hypercare.knowledge import answers, selectors
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import get_visible_ticket
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.knowledge.forms import TicketAnswerForm
from hypercare.web.tickets.desk_ticket import side_panel_changed, side_panel_refused

PANEL = "web/knowledge/_answers_panel.html"
FORM_IDS = "id_answer-%s"


def answers_context(
    user: User, ticket: Ticket, form: TicketAnswerForm | None = None
) -> dict[str, object]:
    """What the panel shows: the linked articles the viewer reads, and the link form."""
    return {
        "ticket": ticket,
        "answers": list(selectors.ticket_answers(user, ticket)),
        "answer_form": form or TicketAnswerForm(auto_id=FORM_IDS),
        "can_link_answers": access.can_link_answers(user),
    }


@workspace_view
@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    form = TicketAnswerForm(request.POST, auto_id=FORM_IDS)
    if form.is_valid():
        try:
            article = selectors.get_visible_article(user, form.cleaned_data["article"])
            answers.link_answer(ticket=ticket, article=article, actor=user)
        except NotFound as exc:
            form.add_error("article", exc.message)
        else:
            panel = answers_context(user, ticket)
            return side_panel_changed(request, ticket, PANEL, panel, "Answering article linked.")
    return side_panel_refused(request, user, ticket, PANEL, answers_context(user, ticket, form))


@workspace_view
@require_POST
def unlink(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    form = TicketAnswerForm(request.POST, auto_id=FORM_IDS)
    if not form.is_valid():
        raise ValidationFailed({"article": "name the article to unlink"})
    article = selectors.get_visible_article(user, form.cleaned_data["article"])
    answers.unlink_answer(ticket=ticket, article=article, actor=user)
    panel = answers_context(user, ticket)
    return side_panel_changed(request, ticket, PANEL, panel, "Answering article unlinked.")

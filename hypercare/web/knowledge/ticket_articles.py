"""The knowledge on the desk's ticket page: search the articles while answering, put one
in the reply (its portal address, or its text), and draft a new article once the ticket
is resolved. The panel itself is the ``ticket_knowledge`` template tag."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, ValidationFailed
from hypercare.knowledge import selectors, services
from hypercare.knowledge.models import Article
from hypercare.orgs.choices import ModuleCode
from hypercare.tickets.models import Ticket
from hypercare.tickets.selectors import get_visible_ticket
from hypercare.web.errors import is_htmx
from hypercare.web.guards import signed_in_user, ticket_page_part, workspace_view

HITS = "web/knowledge/_ticket_hits.html"
QUERY_MAX = 200
NOT_FOR_REQUESTER = (
    "The requester cannot open this article (it is internal, not published, or not for "
    "their institution or work): insert its text instead."
)


@workspace_view
@ticket_page_part
def search(request: HttpRequest, pk: int) -> HttpResponse:
    """Articles for the ticket's answer: words (``q``), in one module (``module``) or in
    all when none is given; what the agent reads (``access.article_scope``)."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    text = request.GET.get("q", "")
    module = request.GET.get("module", "")
    if len(text) > QUERY_MAX or "\n" in text:
        raise ValidationFailed({"q": f"one line of at most {QUERY_MAX} characters"})
    if module and module not in ModuleCode.values:
        raise ValidationFailed({"module": "no such module"})
    filters = selectors.ArticleFilters(module_code=module, text=text)
    hits = list(selectors.article_list(user, filters)[: selectors.SHOWN_HITS])
    return render(request, HITS, hits_context(ticket, text, hits))


def hits_context(ticket: Ticket, text: str, hits: list[Article]) -> dict[str, object]:
    return {
        "ticket": ticket,
        "q": text,
        "hits": hits,
        "readable": selectors.requester_reads(ticket, hits),
    }


def _article(user: User, pk: int, article_pk: int) -> tuple[Ticket, Article]:
    return get_visible_ticket(user, pk), selectors.get_visible_article(user, article_pk)


@workspace_view
def insert_link(request: HttpRequest, pk: int, article_pk: int) -> HttpResponse:
    """The article's title and portal address, for the reply: only when the requester
    may open it (409 otherwise: a link they cannot follow helps nobody)."""
    ticket, article = _article(signed_in_user(request), pk, article_pk)
    if article.pk not in selectors.requester_reads(ticket, [article]):
        raise InvalidTransition(NOT_FOR_REQUESTER)
    url = settings.SITE_URL.rstrip("/") + reverse("web:portal-article", args=[article.pk])
    return HttpResponse(f"{article.title}: {url}\n", content_type="text/plain; charset=utf-8")


@workspace_view
def insert_text(request: HttpRequest, pk: int, article_pk: int) -> HttpResponse:
    """The article's Markdown, for the reply: the agent reads it over before sending."""
    _, article = _article(signed_in_user(request), pk, article_pk)
    return HttpResponse(f"{article.body.strip()}\n", content_type="text/plain; charset=utf-8")


@workspace_view
@require_POST
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft an article from the resolved ticket, then edit it: the draft is a start."""
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    article = services.draft_article_from_ticket(ticket=ticket, actor=user)
    messages.success(
        request, "Article drafted without names, addresses or the institution: read it over."
    )
    destination = reverse("web:article-edit", args=[article.pk])
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = destination
        return response
    return redirect(destination)

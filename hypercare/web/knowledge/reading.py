"""The portal's side of what readers do with articles: the suggestions shown while a
report is written, "this solved my problem" (the report is not filed), and the
helpful / not-helpful vote on an article's page. ``knowledge.reading`` judges each."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed
from hypercare.knowledge import reading, selectors
from hypercare.knowledge.models import Article
from hypercare.orgs.selectors import visible_modules
from hypercare.web.errors import is_htmx
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import portal_view, signed_in_user
from hypercare.web.knowledge.forms import VoteForm

SHOWN = 3
# What the report form sends: the title and description typed so far, and its module.
TYPED = ("title", "description")


def suggest_as_typed(field: forms.Field) -> None:
    """Ask for suggestions 400 ms after the reader stops typing in ``field`` (a field of
    the report form), shown in the report form's ``#suggestions``."""
    field.widget.attrs.update(
        {
            "hx-get": reverse("web:portal-suggestions"),
            "hx-trigger": "keyup changed delay:400ms",
            "hx-target": "#suggestions",
            "hx-include": "#id_title, #id_description, #report-module",
            "hx-sync": "closest form:replace",
        }
    )


def _module_code(user: User, pk: str) -> str:
    """The code of the reader's module ``pk`` names; empty (every module) for any other."""
    if not pk.isdigit():
        return ""
    module = visible_modules(user).filter(pk=int(pk)).first()
    return module.code if module else ""


def _typed(request: HttpRequest) -> str:
    source = request.POST if request.method == "POST" else request.GET
    return "\n".join(source.get(name, "") for name in TYPED).strip()


@portal_view
@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """The articles that may answer what the reader is reporting, for the report form."""
    user = signed_in_user(request)
    module_code = _module_code(user, request.GET.get("module", ""))
    found = selectors.suggested_articles(user, module_code, _typed(request), SHOWN)
    context = {"suggestions": found, "typed": {name: request.GET.get(name, "") for name in TYPED}}
    context["module"] = request.GET.get("module", "")
    # The report form swaps the list in; opened on its own, the list is a page.
    template = "_suggestions.html" if is_htmx(request) else "suggestions.html"
    return render(request, f"web/knowledge/{template}", context)


@portal_view
@require_POST
def solved(request: HttpRequest, pk: int) -> HttpResponse:
    """The reader's problem is solved by the article: nothing is filed. Posted by the
    report form itself, so what they typed is kept with the deflection."""
    user = signed_in_user(request)
    article = selectors.get_visible_article(user, pk)
    reading.record_deflection(
        article=article,
        actor=user,
        module_code=_module_code(user, request.POST.get("module", "")),
        query=_typed(request),
    )
    messages.success(request, "Glad it helped. Nothing was sent to support.")
    return redirect("web:portal-article", pk)


def portal_article_page(
    request: HttpRequest, user: User, article: Article, form: VoteForm | None = None
) -> HttpResponse:
    """An article as its institution readers see it, with their vote to give or change."""
    mine = selectors.vote_of(user, article)
    if form is None:
        given = (
            {"helpful": "yes" if mine.helpful else "no", "comment": mine.comment} if mine else {}
        )
        form = VoteForm(initial=given)
    context = {
        "article": article,
        "related": selectors.related_articles(user, article),
        "files": selectors.article_files(article),
        "source_ticket": selectors.article_source_ticket(user, article),
        "vote": mine,
        "vote_form": form,
    }
    status = 422 if form.errors else 200
    return render(request, "web/knowledge/portal_article.html", context, status=status)


@portal_view
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    article = selectors.get_visible_article(user, pk)
    form = VoteForm(request.POST)
    if form.is_valid():
        try:
            reading.vote_on_article(article=article, actor=user, **form.cleaned_data)
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Thank you: your answer is saved.")
            return redirect("web:portal-article", pk)
    return portal_article_page(request, user, article, form)

"""Knowledge articles on the workspace (write, review, publish, compare versions) and in
the portal (read what is published for the reader). The knowledge services judge every
write and ``access.article_scope`` every read."""

from typing import IO, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound, ValidationFailed
from hypercare.knowledge import selectors, services
from hypercare.knowledge.choices import (
    ARTICLE_TRANSITIONS,
    EDITOR_STEPS,
    ArticleStatus,
    Audience,
    Visibility,
)
from hypercare.knowledge.models import Article
from hypercare.knowledge.reading import record_article_view
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.selectors import visible_institutions
from hypercare.tickets.services.attachments import attachment_path
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import portal_view, signed_in_user, workspace_view
from hypercare.web.knowledge.forms import ArticleForm, RelatedForm
from hypercare.web.knowledge.reading import portal_article_page
from hypercare.web.pages import page_of

# The steps a button on the article's page takes, by the status it leads to.
STEPS = {
    ArticleStatus.IN_REVIEW: "Submit for review",
    ArticleStatus.DRAFT: "Return to draft",
    ArticleStatus.PUBLISHED: "Publish",
    ArticleStatus.RETIRED: "Retire",
}


def _filters(request: HttpRequest) -> selectors.ArticleFilters:
    """The list's filters from the query; an unknown choice filters nothing."""
    wanted = request.GET

    def choice(name: str, values: list[str]) -> str:
        value = wanted.get(name, "")
        return value if value in values else ""

    return selectors.ArticleFilters(
        module_code=choice("module", ModuleCode.values),
        audience=choice("audience", Audience.values),
        status=choice("status", ArticleStatus.values),
        text=wanted.get("q", "").strip(),
    )


def _list_context(request: HttpRequest, user: User) -> dict[str, object]:
    filters = _filters(request)
    return {
        "page": page_of(request, selectors.article_list(user, filters)),
        "filters": filters,
        "modules": ModuleCode.choices,
        "audiences": Audience.choices,
        "statuses": ArticleStatus.choices,
    }


@workspace_view
def articles(request: HttpRequest) -> HttpResponse:
    """Every article in every state, filtered by module, audience, status and words."""
    user = signed_in_user(request)
    context = _list_context(request, user)
    context["can_read_report"] = access.can_read_knowledge_report(user)
    return render(request, "web/knowledge/articles.html", context)


def _form(user: User, *args: Any, **kwargs: Any) -> ArticleForm:
    return ArticleForm(*args, institutions=visible_institutions(user), **kwargs)


@workspace_view
def new_article(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = _form(user, request.POST or None, initial={"visibility": Visibility.INTERNAL})
    if request.method == "POST" and form.is_valid():
        try:
            article = services.create_article(
                actor=user, content=form.content(), note=form.cleaned_data["note"]
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Draft saved.")
            return redirect("web:article", article.pk)
    status = 422 if form.errors else 200
    return render(request, "web/knowledge/edit.html", {"form": form}, status=status)


@workspace_view
def edit_article(request: HttpRequest, pk: int) -> HttpResponse:
    """Revise the article: a new title or text is a new version."""
    user = signed_in_user(request)
    article = selectors.get_visible_article(user, pk)
    form = _form(user, request.POST or None, initial=ArticleForm.initial_of(article))
    if request.method == "POST" and form.is_valid():
        try:
            services.revise_article(
                article=article, actor=user, content=form.content(), note=form.cleaned_data["note"]
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Article saved.")
            return redirect("web:article", pk)
    context = {"form": form, "article": article}
    return render(request, "web/knowledge/edit.html", context, status=422 if form.errors else 200)


def _others(user: User, article: Article) -> QuerySet[Article]:
    return selectors.visible_articles(user).exclude(pk=article.pk)


@workspace_view
def article_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The article as readers see it, its facts, the next steps and its history."""
    user = signed_in_user(request)
    article = selectors.get_visible_article(user, pk)
    related_form = RelatedForm(
        articles=_others(user, article),
        initial={"related": list(article.related.all())},
    )
    steps = [
        (status, label)
        for status, label in STEPS.items()
        if status in ARTICLE_TRANSITIONS[article.status]
        and (status not in EDITOR_STEPS or access.can_edit_knowledge(user))
    ]
    context = {
        "article": article,
        "institutions": article.institutions.order_by("name"),
        "related": selectors.related_articles(user, article),
        "related_form": related_form,
        "steps": steps,
        "history": selectors.article_history(article),
        "counts": selectors.article_counts(user, article),
        "files": selectors.article_files(article),
        "source_ticket": selectors.article_source_ticket(user, article),
        "can_revise": article.status != ArticleStatus.RETIRED
        and access.can_revise_article(user, article),
    }
    return render(request, "web/knowledge/article.html", context)


@workspace_view
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    article = selectors.get_visible_article(user, pk)
    status = request.POST.get("status", "")
    if status not in STEPS:
        raise ValidationFailed({"status": "choose a step"})
    services.change_article_status(article=article, actor=user, status=status)
    messages.success(request, f"The article is {ArticleStatus(status).label.lower()}.")
    return redirect("web:article", pk)


@workspace_view
@require_POST
def set_related(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    article = selectors.get_visible_article(user, pk)
    form = RelatedForm(request.POST, articles=_others(user, article))
    if not form.is_valid():
        raise ValidationFailed({"related": "choose among the articles listed"})
    services.set_related_articles(
        article=article, actor=user, related=list(form.cleaned_data["related"])
    )
    messages.success(request, "Related articles saved.")
    return redirect("web:article", pk)


@workspace_view
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version, and the diff between two (``old`` and ``new``; by default the
    latest against the one before)."""
    article = selectors.get_visible_article(signed_in_user(request), pk)
    found = list(selectors.article_versions(article))
    newest = found[0].number
    try:
        new = int(request.GET.get("new", newest))
        old = int(request.GET.get("old", max(new - 1, 1)))
    except ValueError:
        raise NotFound(selectors.NO_VERSION) from None
    diff = selectors.version_diff(
        selectors.article_version(article, old), selectors.article_version(article, new)
    )
    context = {"article": article, "versions": found, "old": old, "new": new, "diff": diff}
    return render(request, "web/knowledge/versions.html", context)


@portal_view
def portal_articles(request: HttpRequest) -> HttpResponse:
    """The articles published for the reader's institution and work, by title."""
    context = _list_context(request, signed_in_user(request))
    return render(request, "web/knowledge/portal_articles.html", context)


@portal_view
def portal_article(request: HttpRequest, pk: int) -> HttpResponse:
    """The article for its reader; reading it counts as a view (``knowledge.reading``)."""
    user = signed_in_user(request)
    article = selectors.get_visible_article(user, pk)
    record_article_view(article=article, actor=user)
    return portal_article_page(request, user, article)


@workspace_view
@require_POST
def add_files(request: HttpRequest, pk: int) -> HttpResponse:
    """Each chosen file is added on its own; those refused are named with the reason."""
    user = signed_in_user(request)
    article = selectors.get_visible_article(user, pk)
    uploads = request.FILES.getlist("file")
    if not uploads:
        raise ValidationFailed({"file": "choose a file"})
    for upload in uploads:
        try:
            services.add_article_file(
                article=article,
                actor=user,
                name=upload.name or "file",
                content=cast(IO[bytes], upload),
            )
        except ValidationFailed as exc:
            messages.error(request, f"{upload.name}: {exc.errors.get('file', exc.message)}")
        else:
            messages.success(request, f"{upload.name} added.")
    return redirect("web:article", pk)


@login_required
def article_file(request: HttpRequest, pk: int) -> FileResponse:
    """An article's file for whoever reads the article: images inline (an article shows
    them by this address), anything else downloads; never run as a page."""
    found = selectors.get_visible_article_file(signed_in_user(request), pk)
    path = attachment_path(found.storage_name)
    if not path.is_file():
        raise NotFound("This file is no longer stored.")
    response = FileResponse(
        path.open("rb"),
        as_attachment=not found.is_image,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response

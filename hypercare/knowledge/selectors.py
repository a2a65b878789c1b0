"""Reads of the knowledge: training gaps, for support staff (institution users never see
them); articles, scoped by ``access.article_scope``."""

import difflib
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.knowledge.models import (
    Article,
    ArticleAudience,
    ArticleEvent,
    ArticleFile,
    ArticleVersion,
    TrainingGap,
)
from hypercare.tickets.models import Ticket

NO_ARTICLE = "No such article, or you may not read it."
NO_VERSION = "The article has no such version."
NO_FILE = "No such file, or you may not read its article."


def training_gaps(
    user: User, *, module_code: str = "", erp_role: str = ""
) -> QuerySet[TrainingGap]:
    if not access.can_flag_training_gaps(user):
        return TrainingGap.objects.none()
    gaps = TrainingGap.objects.select_related("ticket", "institution", "flagged_by")
    if module_code:
        gaps = gaps.filter(module_code=module_code)
    if erp_role:
        gaps = gaps.filter(erp_role__iexact=erp_role)
    return gaps


def training_gap_of(ticket: Ticket) -> TrainingGap | None:
    """The ticket's flag, for the question workflow (which says only that it was
    flagged); the caller may see the ticket."""
    return TrainingGap.objects.filter(ticket_id=ticket.pk).first()


@dataclass(frozen=True)
class ArticleFilters:
    module_code: str = ""
    audience: str = ""
    status: str = ""
    text: str = ""


def visible_articles(user: User) -> QuerySet[Article]:
    """The articles ``user`` may read, with what every list shows of them loaded."""
    return Article.objects.filter(access.article_scope(user)).prefetch_related(
        Prefetch("audiences", queryset=ArticleAudience.objects.order_by("audience"))
    )


def article_list(user: User, filters: ArticleFilters) -> QuerySet[Article]:
    """The articles ``user`` may read that match ``filters``, by title. Text matches every
    word somewhere in the title or the text. Filters only narrow the scope."""
    articles = visible_articles(user)
    if filters.module_code:
        articles = articles.filter(module_code=filters.module_code)
    if filters.audience:
        written_for = ArticleAudience.objects.filter(audience=filters.audience)
        articles = articles.filter(pk__in=written_for.values("article_id"))
    if filters.status:
        articles = articles.filter(status=filters.status)
    for word in filters.text.split():
        articles = articles.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return articles


def get_visible_article(user: User, pk: int) -> Article:
    article = visible_articles(user).filter(pk=pk).first()
    if article is None:
        raise NotFound(NO_ARTICLE)
    return article


def related_articles(user: User, article: Article) -> QuerySet[Article]:
    """The articles related to ``article`` that ``user`` may read too: a published article
    may name a draft or an internal one, which its institution readers never see."""
    return visible_articles(user).filter(related=article)


def article_versions(article: Article) -> QuerySet[ArticleVersion]:
    """Every version of an article the caller may read, newest first."""
    return article.versions.select_related("edited_by")


def article_version(article: Article, number: int) -> ArticleVersion:
    version = article_versions(article).filter(number=number).first()
    if version is None:
        raise NotFound(NO_VERSION)
    return version


def article_history(article: Article) -> QuerySet[ArticleEvent]:
    return article.events.select_related("actor")


def version_diff(old: ArticleVersion, new: ArticleVersion) -> list[str]:
    """The unified diff from ``old`` to ``new``: title first, then the text, line by line."""
    return list(
        difflib.unified_diff(
            [f"# {old.title}", "", *old.body.splitlines()],
            [f"# {new.title}", "", *new.body.splitlines()],
            fromfile=f"version {old.number}",
            tofile=f"version {new.number}",
            lineterm="",
        )
    )


def article_files(article: Article) -> QuerySet[ArticleFile]:
    """The files of an article the caller may read: its readers see them all."""
    return article.files.all()


def get_visible_article_file(user: User, pk: int) -> ArticleFile:
    found = ArticleFile.objects.filter(access.article_file_scope(user), pk=pk).first()
    if found is None:
        raise NotFound(NO_FILE)
    return found

"""What readers do with an article: it solved their problem before they reported it (a
deflection), they read it, they say whether it helped. The desk counts these to learn
which articles work; none is a step in the article's history, so none adds an
``ArticleEvent``.

Each use case takes an article the caller fetched through ``selectors`` and checks
again that the actor may read it, so no adapter can count on an article its user never
sees."""

from datetime import timedelta

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.knowledge.choices import ArticleStatus
from hypercare.knowledge.models import (
    QUERY_MAX,
    VOTE_COMMENT_MAX,
    Article,
    ArticleView,
    ArticleVote,
    Deflection,
)
from hypercare.knowledge.selectors import NO_ARTICLE
from hypercare.lib import clock
from hypercare.lib.text import one_line
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.choices import ModuleCode

# A reload, or going back to the article from a link within this time, is the same
# reading.
VIEW_WINDOW = timedelta(minutes=30)
NOT_PUBLISHED = "only a published article solves a problem"


def _readable(actor: User, article: Article) -> Article:
    """The article as it is now, if ``actor`` may read it."""
    current = Article.objects.filter(access.article_scope(actor), pk=article.pk).first()
    if current is None:
        raise NotFound(NO_ARTICLE)
    return current


def record_deflection(
    *, article: Article, actor: User, module_code: str = "", query: str = ""
) -> Deflection:
    """``actor`` said that ``article``, suggested for what they were reporting
    (``query``, about ``module_code``), solved their problem: the report is not filed.
    What they typed is kept as one line, cut to length rather than refused: they are
    leaving, not writing."""
    article = _readable(actor, article)
    errors = FieldErrors()
    if article.status != ArticleStatus.PUBLISHED:
        errors.add("article", NOT_PUBLISHED)
    if module_code:
        errors.choice("module", module_code, ModuleCode.values)
    errors.check()
    with use_case():
        return Deflection.objects.create(
            article=article,
            user=actor,
            institution_id=actor.institution_id,
            module_code=module_code,
            query=one_line(query)[:QUERY_MAX],
            at=clock.now(),
        )


def record_article_view(*, article: Article, actor: User) -> bool:
    """Count one reading of ``article`` by ``actor``, unless they read it within
    ``VIEW_WINDOW``; whether it counted."""
    _readable(actor, article)
    at = clock.now()
    with use_case():
        recent = ArticleView.objects.filter(
            article=article, user=actor, viewed_at__gt=at - VIEW_WINDOW
        )
        if recent.exists():
            return False
        ArticleView.objects.create(article=article, user=actor, viewed_at=at)
    return True


def vote_on_article(
    *, article: Article, actor: User, helpful: bool, comment: str = ""
) -> ArticleVote:
    """Say whether ``article`` helped, with an optional comment; voting again changes
    the reader's one vote."""
    _readable(actor, article)
    errors = FieldErrors()
    checked = errors.text("comment", comment, VOTE_COMMENT_MAX, required=False)
    errors.check()
    with use_case():
        vote, _ = ArticleVote.objects.update_or_create(
            article=article,
            user=actor,
            defaults={"helpful": helpful, "comment": checked, "voted_at": clock.now()},
        )
    return vote

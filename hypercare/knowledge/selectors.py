"""Reads of the knowledge: training gaps, for support staff (institution users never see
them); articles, scoped by ``access.article_scope``."""

import difflib
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.knowledge.choices import ArticleStatus, Visibility
from hypercare.knowledge.models import (
    Article,
    ArticleAudience,
    ArticleEvent,
    ArticleFile,
    ArticleVersion,
    ArticleVote,
    TicketAnswer,
    TrainingGap,
    TrainingNoteDelivery,
)
from hypercare.knowledge.search_index import POSTGRES_DOCUMENT
from hypercare.tickets.models import Ticket

NO_ARTICLE = "No such article, or you may not read it."
NO_VERSION = "The article has no such version."
# What the index puts around each word found in a snippet: characters no text may hold.
START, STOP = "\x02", "\x03"
TSQUERY = "to_tsquery('simple', public.unaccent(%s))"
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
    """The articles ``user`` may read that match ``filters``, by title; with words to
    find, by rank (``_searched``). Filters only narrow the scope, so hits and counts
    never include an article the user may not read."""
    articles = visible_articles(user)
    if filters.module_code:
        articles = articles.filter(module_code=filters.module_code)
    if filters.audience:
        written_for = ArticleAudience.objects.filter(audience=filters.audience)
        articles = articles.filter(pk__in=written_for.values("article_id"))
    if filters.status:
        articles = articles.filter(status=filters.status)
    words = re.findall(r"[^\W_]+", filters.text)[:12]  # letters and digits, as both indexes split
    if words:
        return _searched(articles, words)
    return articles


def _searched(articles: QuerySet[Article], words: list[str]) -> QuerySet[Article]:
    """The articles with every word (each also as a prefix), best first (``_ranked``)."""
    if connection.vendor == "postgresql":
        query = " & ".join(f"{word}:*" for word in words)
        matches = RawSQL(  # noqa: S611 (the words are passed as a parameter)
            f"SELECT id FROM knowledge_article WHERE {POSTGRES_DOCUMENT} @@ {TSQUERY}",  # noqa: S608
            [query],
        )
        return _ranked(articles.filter(pk__in=matches), query)
    return _ranked(articles, " ".join(f'"{word}"*' for word in words))


FTS = "knowledge_article_fts"


def _ranked(found: QuerySet[Article], query: str) -> QuerySet[Article]:
    """``found`` that match the index's ``query``, best first: ``rank`` (higher is better;
    a title word counts most) and ``snippet``, a piece of the text around the words, each
    word between START and STOP (see ``highlighted``).

    On SQLite the index is joined, so it matches and ranks every row in one pass (a rank
    or snippet as a subquery per row would search the index once per article found:
    ten times slower at 10 000 articles, bench/knowledge_search.py)."""
    if connection.vendor == "postgresql":
        rank = RawSQL(f"ts_rank({POSTGRES_DOCUMENT}, {TSQUERY})", [query])  # noqa: S611
        snippet = RawSQL(  # noqa: S611 (the words are passed as a parameter)
            f"ts_headline('simple', body, {TSQUERY}, "
            "'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=12')",
            [query],
        )
        return found.annotate(rank=rank, snippet=snippet).order_by("-rank", "title", "pk")
    joined = found.extra(  # noqa: S610 (constants; the words are passed as a parameter)
        tables=[FTS],
        where=[f"{FTS}.rowid = knowledge_article.id", f"{FTS} MATCH %s"],
        params=[query],
        select={
            "rank": f"-bm25({FTS}, 10.0, 1.0)",
            "snippet": f"snippet({FTS}, 1, char(2), char(3), '…', 24)",
        },
    )
    return joined.order_by("-rank", "title", "pk")


# Words too common to tell one article from another; a requester types them in every
# description ("the receipt is not generated for my student").
COMMON_WORDS = frozenset(
    re.findall(
        r"\w+",
        "a an and are as at be but by can cannot do does for from has have i in is it its my "
        "no not of on or our the this to was we were when where while why will with you your",
    )
)
SUGGESTIONS_MAX = 10
# The best hits of the index that suggestions choose among; the few that a reader may not
# read or that are of another module are passed over without ranking every match.
SUGGESTION_CANDIDATES = 200


def suggested_articles(user: User, module_code: str, text: str, limit: int = 5) -> list[Article]:
    """Published articles ``user`` may read that may answer ``text`` (what they are
    reporting) for the module ``module_code`` (any module when empty), best first, each
    with a ``snippet``. Any word may match, rarer words weigh more; internal articles are
    never suggested, not even to support staff filing for someone. The portal's report
    form, the API and the "we have your request" mail all ask this one function."""
    words = [
        word
        for word in dict.fromkeys(re.findall(r"[^\W_]+", text.lower()))
        if len(word) > 1 and word not in COMMON_WORDS
    ][:12]
    if not words:
        return []
    # The index is asked first, on its own: text that matches no published article (most
    # mail to a young desk) costs one indexed lookup, not the reader's scope and ranking.
    candidates = _candidates(words)
    if not candidates:
        return []
    articles = (
        visible_articles(user)
        .filter(pk__in=candidates, status=ArticleStatus.PUBLISHED)
        .exclude(visibility=Visibility.INTERNAL)
    )
    if module_code:
        articles = articles.filter(module_code=module_code)
    return list(_ranked(articles, _any_of(words))[: min(max(limit, 0), SUGGESTIONS_MAX)])


def _any_of(words: list[str]) -> str:
    """The index's query for text with any of ``words``, each also as a prefix."""
    if connection.vendor == "postgresql":
        return " | ".join(f"{word}:*" for word in words)
    return " OR ".join(f'"{word}"*' for word in words)


def _candidates(words: list[str]) -> list[int]:
    """The ids of the published articles with any of ``words``, best first, at most
    ``SUGGESTION_CANDIDATES``: whether the reader may read them is asked of these alone."""
    query = _any_of(words)
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT id FROM knowledge_article WHERE {POSTGRES_DOCUMENT} @@ {TSQUERY}"  # noqa: S608
            f" AND status = 'published' ORDER BY ts_rank({POSTGRES_DOCUMENT}, {TSQUERY}) DESC"
            f" LIMIT {SUGGESTION_CANDIDATES}"
        )
        params = [query, query]
    else:
        sql = (
            f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s"  # noqa: S608 (constants)
            f" ORDER BY bm25({FTS}, 10.0, 1.0) LIMIT {SUGGESTION_CANDIDATES}"
        )
        params = [query]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def highlighted(snippet: str) -> SafeString:
    """A search snippet as HTML: the text escaped, the words found in ``<mark>``."""
    marked = escape(snippet).replace(START, "<mark>").replace(STOP, "</mark>")
    # Escaped above; the only tags are the marks put in here.
    return SafeString(marked)


@dataclass(frozen=True)
class ArticleCounts:
    views: int
    helpful: int
    not_helpful: int
    deflections: int


def article_counts(user: User, article: Article) -> ArticleCounts | None:
    """How often ``article`` was read, found helpful or not, and solved a problem before
    it was reported; ``None`` for whoever may not see counts (``access``)."""
    if not access.can_see_article_counts(user):
        return None
    votes = article.votes.aggregate(
        found_helpful=Count("pk", filter=Q(helpful=True)),
        not_found_helpful=Count("pk", filter=Q(helpful=False)),
    )
    return ArticleCounts(
        views=article.views.count(),
        helpful=votes["found_helpful"],
        not_helpful=votes["not_found_helpful"],
        deflections=article.deflections.count(),
    )


def vote_of(user: User, article: Article) -> ArticleVote | None:
    """The reader's own vote on an article they read, to show and to change."""
    return article.votes.filter(user_id=user.pk).first()


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


def ticket_answers(user: User, ticket: Ticket) -> QuerySet[TicketAnswer]:
    """The articles answering ``ticket`` that ``user`` may read (a requester never sees an
    internal one or a draft), first linked first."""
    return TicketAnswer.objects.filter(
        access.ticket_answer_scope(user), ticket_id=ticket.pk
    ).select_related("article", "linked_by")


def training_note_deliveries(user: User, article: Article) -> QuerySet[TrainingNoteDelivery]:
    """Who a training note was sent to, newest first, as far as ``user`` may know."""
    return TrainingNoteDelivery.objects.filter(
        access.training_note_delivery_scope(user), article_id=article.pk
    ).select_related("recipient", "institution", "sent_by")


def article_source_ticket(user: User, article: Article) -> Ticket | None:
    """The ticket ``article`` was drafted from, if ``user`` may see that ticket: the
    article says nothing of its people, the link would say whose case it was."""
    return (
        Ticket.objects.filter(access.ticket_scope(user), article_source__article_id=article.pk)
        .select_related("institution")
        .first()
    )


def articles_from_ticket(user: User, ticket: Ticket) -> QuerySet[Article]:
    """The article drafted from ``ticket`` (the caller may see the ticket), if ``user``
    may read it."""
    return visible_articles(user).filter(source__ticket_id=ticket.pk)


SUGGESTION_WORDS = 4
SHOWN_HITS = 8
_COMMON = frozenset(
    [
        "able",
        "after",
        "again",
        "also",
        "and",
        "are",
        "but",
        "can",
        "cannot",
        "does",
        "error",
        "for",
        "from",
        "have",
        "how",
        "into",
        "not",
        "the",
        "this",
        "when",
        "while",
        "with",
        "without",
    ]
)


def suggested_search(ticket: Ticket) -> list[str]:
    """The words of the ticket's title most likely to find its article: the longest,
    leaving out the common ones, at most four."""
    words = {word.lower() for word in re.findall(r"[^\W_]{3,}", ticket.title)} - _COMMON
    return sorted(words, key=lambda word: (-len(word), word))[:SUGGESTION_WORDS]


def ticket_page_search(user: User, ticket: Ticket) -> tuple[str, list[Article]]:
    """The search the ticket page starts with, and its hits: the suggested words of the
    title in the ticket's module; since every word must be found, the shorter words are
    dropped one by one until something is (at most four searches)."""
    words = suggested_search(ticket)
    module = ticket.module.code
    for size in range(len(words), 0, -1):
        text = " ".join(words[:size])
        hits = list(article_list(user, ArticleFilters(module_code=module, text=text))[:SHOWN_HITS])
        if hits:
            return text, hits
    return " ".join(words), []


def requester_reads(ticket: Ticket, articles: list[Article]) -> set[int]:
    """Which of ``articles`` the ticket's requester may open, so that a public reply
    only links to what they can read."""
    pks = [article.pk for article in articles]
    readable = Article.objects.filter(access.article_scope(ticket.requester), pk__in=pks)
    return set(readable.values_list("pk", flat=True))

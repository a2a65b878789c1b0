"""Write use cases of the knowledge the desk gathers: flag a training gap, clear it;
write an article (or draft one from a resolved ticket), revise it, take it through review
to publication and retirement."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import IO

from django.conf import settings

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, ValidationFailed
from hypercare.knowledge import events
from hypercare.knowledge.choices import (
    ARTICLE_TRANSITIONS,
    EDITOR_STEPS,
    ArticleEventKind,
    ArticleStatus,
    Audience,
    Visibility,
)
from hypercare.knowledge.drafting import draft_from
from hypercare.knowledge.models import (
    ARTICLE_TITLE_MAX,
    NOTE_LINE_MAX,
    ROLE_MAX,
    TOPIC_MAX,
    Article,
    ArticleAudience,
    ArticleFile,
    ArticleSource,
    ArticleVersion,
    TrainingGap,
)
from hypercare.lib import clock
from hypercare.lib.text import one_line
from hypercare.lib.transactions import on_rollback, use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.attachments import StoredFile, attachment_path, store_file
from hypercare.tickets.services.common import lock, require

FLAG_REFUSED = "Only support staff flag training gaps."
NOTE_MAX = 5000
ARTICLE_BODY_MAX = 100_000
WRITE_REFUSED = "Only support staff write knowledge articles."
EDITOR_REFUSED = (
    "Only knowledge editors (support managers) publish, retire or revise published articles."
)
RETIRED_UNCHANGED = "A retired article is not revised: return it to draft first."
NOT_SELF = "an article is not related to itself"
NOT_RESOLVED = (
    "Only a resolved or closed ticket becomes an article: until then its answer is not known."
)
ALREADY_DRAFTED = "An article was already written from this ticket: revise that one."
DRAFTABLE = frozenset({Status.RESOLVED, Status.CLOSED})


def flag_training_gap(
    *,
    ticket: Ticket,
    actor: User,
    topic: str,
    erp_role: str = "",
    module_code: str = "",
    note: str = "",
) -> TrainingGap:
    """Flag ``ticket`` as showing a training gap: people in ``erp_role`` (by default the
    requester's) need training on ``topic`` of ``module_code`` (by default the ticket's
    module). Flagging again rewords the flag."""
    require(access.can_flag_training_gaps(actor), FLAG_REFUSED)
    errors = FieldErrors()
    checked_topic = errors.line("topic", topic, TOPIC_MAX)
    role = errors.line("erp_role", erp_role or ticket.requester_erp_role, ROLE_MAX)
    module = module_code or ticket.module.code
    errors.choice("module_code", module, ModuleCode.values)
    checked_note = errors.text("note", note, NOTE_MAX, required=False)
    errors.check()
    with use_case():
        ticket = lock(ticket)
        at = clock.now()
        gap, _ = TrainingGap.objects.update_or_create(
            ticket=ticket,
            defaults={
                "institution_id": ticket.institution_id,
                "module_code": module,
                "erp_role": role,
                "topic": checked_topic,
                "note": checked_note,
                "flagged_by": actor,
                "flagged_at": at,
            },
        )
        events.record_flagged(gap, actor, at)
    return gap


def clear_training_gap(*, ticket: Ticket, actor: User) -> None:
    require(access.can_flag_training_gaps(actor), FLAG_REFUSED)
    with use_case():
        ticket = lock(ticket)
        gap = TrainingGap.objects.filter(ticket=ticket).first()
        if gap is None:
            return
        was = str(gap)
        gap.delete()
        events.record_cleared(ticket, actor, clock.now(), was)


@dataclass(frozen=True)
class ArticleContent:
    """What a writer sets on an article; the same whole set on creation and revision."""

    title: str
    body: str
    module_code: str
    audiences: Sequence[str]
    visibility: str = Visibility.INTERNAL
    institutions: Sequence[Institution] = ()


def _checked(content: ArticleContent) -> ArticleContent:
    """Every field's problem at once; the cleaned content otherwise."""
    errors = FieldErrors()
    title = errors.line("title", content.title, ARTICLE_TITLE_MAX)
    body = errors.text("body", content.body, ARTICLE_BODY_MAX)
    errors.choice("module_code", content.module_code, ModuleCode.values)
    errors.choice("visibility", content.visibility, Visibility.values)
    audiences = sorted(set(content.audiences))
    if not audiences:
        errors.add("audiences", "name at least one audience")
    for audience in audiences:
        errors.choice("audiences", audience, Audience.values)
    chosen = content.visibility == Visibility.CHOSEN_INSTITUTIONS
    if chosen and not content.institutions:
        errors.add("institutions", "choose at least one institution")
    if content.institutions and not chosen:
        errors.add("institutions", "only an article for chosen institutions names them")
    errors.check()
    return ArticleContent(
        title, body, content.module_code, audiences, content.visibility, content.institutions
    )


def _lock(article: Article) -> Article:
    """The article's current row, locked until the transaction ends (no lost updates)."""
    return Article.objects.select_for_update().get(pk=article.pk)


def _lock_revisable(article: Article, actor: User) -> Article:
    """The article locked, once ``actor`` may revise it in its status: any writer a draft
    or one in review, a knowledge editor a published one, nobody a retired one."""
    article = _lock(article)
    if article.status == ArticleStatus.RETIRED:
        raise InvalidTransition(RETIRED_UNCHANGED)
    require(access.can_revise_article(actor, article), EDITOR_REFUSED)
    return article


def _set_reach(article: Article, content: ArticleContent) -> None:
    """The article's audiences and institutions become ``content``'s."""
    article.audiences.exclude(audience__in=content.audiences).delete()
    kept = set(article.audiences.values_list("audience", flat=True))
    ArticleAudience.objects.bulk_create(
        ArticleAudience(article=article, audience=audience)
        for audience in content.audiences
        if audience not in kept
    )
    article.institutions.set(content.institutions)


def create_article(*, actor: User, content: ArticleContent, note: str = "") -> Article:
    """A new draft: its first version, by ``actor``."""
    require(access.can_write_articles(actor), WRITE_REFUSED)
    content = _checked(content)
    with use_case():
        return _new_article(content, actor, clock.now(), note)


def _new_article(content: ArticleContent, actor: User, at: datetime, note: str) -> Article:
    article = Article.objects.create(
        title=content.title,
        body=content.body,
        module_code=content.module_code,
        visibility=content.visibility,
        created_by=actor,
        created_at=at,
        updated_at=at,
    )
    _set_reach(article, content)
    _add_version(article, actor, at, note)
    events.record_article(article, ArticleEventKind.CREATED, actor, at, new_value=article.title)
    return article


def draft_article_from_ticket(*, ticket: Ticket, actor: User) -> Article:
    """A draft article from a resolved (or closed) ticket: its problem, cause and steps,
    without its people or institution (``drafting``), internal and for everyone until a
    writer says otherwise. The article keeps which ticket it came from; both histories
    say so. One article per ticket: a second is a revision of the first."""
    require(access.can_write_articles(actor), WRITE_REFUSED)
    with use_case():
        ticket = lock(ticket)
        if ticket.status not in DRAFTABLE:
            raise InvalidTransition(NOT_RESOLVED)
        if ArticleSource.objects.filter(ticket=ticket).exists():
            raise InvalidTransition(ALREADY_DRAFTED)
        text = draft_from(ticket, body_max=ARTICLE_BODY_MAX)
        content = ArticleContent(
            title=text.title,
            body=text.body,
            module_code=ticket.module.code,
            audiences=[Audience.EVERYONE],
        )
        at = clock.now()
        article = _new_article(_checked(content), actor, at, "Drafted from a ticket")
        ArticleSource.objects.create(article=article, ticket=ticket)
        events.record_article(
            article, ArticleEventKind.WRITTEN_FROM_TICKET, actor, at, new_value=ticket.reference
        )
        events.record_drafted(ticket, article, actor, at)
    return article


def revise_article(
    *, article: Article, actor: User, content: ArticleContent, note: str = ""
) -> Article:
    """Save ``content`` over the article. A new title or text is a new version; who may
    read it (module, audiences, visibility) changes in place and is in its history.

    Drafts and articles in review are revised by any writer; a published one only by a
    knowledge editor, since readers see the change at once; a retired one by nobody.
    """
    require(access.can_write_articles(actor), WRITE_REFUSED)
    content = _checked(content)
    with use_case():
        article = _lock_revisable(article, actor)
        at = clock.now()
        text_changed = (article.title, article.body) != (content.title, content.body)
        article.title, article.body = content.title, content.body
        article.module_code, article.visibility = content.module_code, content.visibility
        article.updated_at = at
        if text_changed:
            article.version += 1
        article.save()
        _set_reach(article, content)
        if text_changed:
            _add_version(article, actor, at, note)
        events.record_article(
            article, ArticleEventKind.EDITED, actor, at, new_value=f"version {article.version}"
        )
    return article


def _add_version(article: Article, actor: User, at: datetime, note: str) -> None:
    ArticleVersion.objects.create(
        article=article,
        number=article.version,
        title=article.title,
        body=article.body,
        note=one_line(note)[:NOTE_LINE_MAX],
        edited_by=actor,
        edited_at=at,
    )


def change_article_status(*, article: Article, actor: User, status: str) -> Article:
    """Take the article one step along ``ARTICLE_TRANSITIONS``: writers submit a draft
    and send one back; knowledge editors publish and retire. A step the table does not
    allow from the current status is refused (409)."""
    require(access.can_write_articles(actor), WRITE_REFUSED)
    if status in EDITOR_STEPS:
        require(access.can_edit_knowledge(actor), EDITOR_REFUSED)
    with use_case():
        article = _lock(article)
        old = article.status
        if status not in ARTICLE_TRANSITIONS.get(old, frozenset()):
            raise InvalidTransition(
                f"A {ArticleStatus(old).label.lower()} article cannot become "
                f"{_status_label(status).lower()}."
            )
        at = clock.now()
        article.status = status
        article.updated_at = at
        if status == ArticleStatus.PUBLISHED:
            article.published_at = at
        article.save(update_fields=["status", "updated_at", "published_at"])
        events.record_article(
            article, ArticleEventKind.STATUS_CHANGED, actor, at, old_value=old, new_value=status
        )
    return article


def _status_label(status: str) -> str:
    return ArticleStatus(status).label if status in ArticleStatus.values else status


def set_related_articles(*, article: Article, actor: User, related: Sequence[Article]) -> Article:
    """The articles listed as related to ``article``; the relation holds both ways."""
    require(access.can_write_articles(actor), WRITE_REFUSED)
    if any(other.pk == article.pk for other in related):
        raise ValidationFailed({"related": NOT_SELF})
    with use_case():
        article = _lock(article)
        article.related.set(related)
        names = ", ".join(sorted(str(other.pk) for other in related))
        events.record_article(
            article, ArticleEventKind.RELATED_CHANGED, actor, clock.now(), new_value=names
        )
    return article


def add_article_file(
    *, article: Article, actor: User, name: str, content: IO[bytes]
) -> ArticleFile:
    """An image or file for the article, checked and stored as a ticket's attachment is
    (real type from its bytes, the per-file size limit) within the article's share of the
    ticket limit. Whoever may revise the article adds files; its readers download them.

    The bytes reach disk before the transaction; if it fails they are removed again.
    """
    require(access.can_write_articles(actor), WRITE_REFUSED)
    stored = store_file(name, content)
    path = attachment_path(stored.storage_name)
    try:
        with use_case():
            added = _record_file(article, actor, stored)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    on_rollback(partial(path.unlink, missing_ok=True))
    return added


def _record_file(article: Article, actor: User, stored: StoredFile) -> ArticleFile:
    article = _lock_revisable(article, actor)
    limit = settings.HYPERCARE_MAX_TICKET_ATTACHMENT_BYTES
    used = sum(article.files.values_list("size", flat=True))
    if used + stored.size > limit:
        raise ValidationFailed(
            {"file": f"would take this article past its {limit // 2**20} MB of files"}
        )
    at = clock.now()
    added = ArticleFile.objects.create(
        article=article,
        original_name=stored.name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        storage_name=stored.storage_name,
        uploaded_by=actor,
        uploaded_at=at,
    )
    events.record_article(article, ArticleEventKind.FILE_ADDED, actor, at, new_value=stored.name)
    return added

"""Training-gap flags and answered-by links on the ticket's timeline, and each
article's own history; written by the knowledge services, inside their transaction."""

from datetime import datetime

from hypercare.accounts.models import User
from hypercare.knowledge.choices import KnowledgeTicketEventKind
from hypercare.knowledge.models import Article, ArticleEvent, TrainingGap
from hypercare.tickets.event_kinds import Sentence
from hypercare.tickets.events import VALUE_LENGTH, append
from hypercare.tickets.models import Ticket, TicketEvent


def record_flagged(gap: TrainingGap, actor: User, at: datetime) -> TicketEvent:
    return append(
        gap.ticket,
        KnowledgeTicketEventKind.TRAINING_GAP_FLAGGED,
        actor,
        at,
        is_internal=True,
        new_value=f"{gap.topic} ({gap.erp_role})",
        body=gap.note,
    )


def record_cleared(ticket: Ticket, actor: User, at: datetime, was: str) -> TicketEvent:
    return append(
        ticket,
        KnowledgeTicketEventKind.TRAINING_GAP_CLEARED,
        actor,
        at,
        is_internal=True,
        old_value=was,
    )


def record_answer_linked(
    ticket: Ticket, article: Article, actor: User, at: datetime
) -> TicketEvent:
    """Internal: the article may be internal or a draft, which the requester never reads."""
    return append(
        ticket,
        KnowledgeTicketEventKind.ANSWER_LINKED,
        actor,
        at,
        is_internal=True,
        new_value=f"#{article.pk} {article.title}",
    )


def record_answer_unlinked(
    ticket: Ticket, article: Article, actor: User, at: datetime
) -> TicketEvent:
    return append(
        ticket,
        KnowledgeTicketEventKind.ANSWER_UNLINKED,
        actor,
        at,
        is_internal=True,
        old_value=f"#{article.pk} {article.title}",
    )


def record_drafted(ticket: Ticket, article: Article, actor: User, at: datetime) -> TicketEvent:
    """Internal: the draft is support's until it is published, and may never be."""
    return append(
        ticket,
        KnowledgeTicketEventKind.ARTICLE_DRAFTED,
        actor,
        at,
        is_internal=True,
        new_value=article.title[:VALUE_LENGTH],
    )


SENTENCES: dict[str, Sentence] = {
    KnowledgeTicketEventKind.TRAINING_GAP_FLAGGED: lambda actor, event: (
        f"{actor} flagged a training gap: {event.new_value}"
    ),
    KnowledgeTicketEventKind.TRAINING_GAP_CLEARED: lambda actor, event: (
        f"{actor} cleared the training-gap flag ({event.old_value})"
    ),
    KnowledgeTicketEventKind.ANSWER_LINKED: lambda actor, event: (
        f"{actor} linked the article that answers this ticket: {event.new_value}"
    ),
    KnowledgeTicketEventKind.ANSWER_UNLINKED: lambda actor, event: (
        f"{actor} unlinked the answering article {event.old_value}"
    ),
    KnowledgeTicketEventKind.ARTICLE_DRAFTED: lambda actor, event: (
        f"{actor} drafted an article from this ticket: {event.new_value}"
    ),
}


def record_article(
    article: Article,
    kind: str,
    actor: User,
    at: datetime,
    *,
    old_value: str = "",
    new_value: str = "",
) -> ArticleEvent:
    """One step of an article's history, in the transaction of the service that took it."""
    return ArticleEvent.objects.create(
        article=article,
        kind=kind,
        actor=actor,
        created_at=at,
        old_value=old_value[:VALUE_LENGTH],
        new_value=new_value[:VALUE_LENGTH],
    )

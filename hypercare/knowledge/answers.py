"""Write use cases of "answered by": an agent links a ticket to the existing articles
that answer it, and unlinks one. Kept beside ``services.py`` (articles and training
gaps) as its own use cases; the knowledge report counts these links."""

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.knowledge import events
from hypercare.knowledge.models import Article, TicketAnswer
from hypercare.knowledge.selectors import NO_ARTICLE
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import lock, require

LINK_REFUSED = "Only support staff link the articles that answer a ticket."


def link_answer(*, ticket: Ticket, article: Article, actor: User) -> TicketAnswer:
    """Record that ``article`` answers ``ticket``. Linking the same pair again changes
    nothing (one link per pair, one timeline event). The article must be one ``actor``
    reads: a link never names what its author could not see."""
    require(access.can_link_answers(actor), LINK_REFUSED)
    if not Article.objects.filter(access.article_scope(actor), pk=article.pk).exists():
        raise NotFound(NO_ARTICLE)
    with use_case():
        ticket = lock(ticket)
        at = clock.now()
        answer, created = TicketAnswer.objects.get_or_create(
            ticket=ticket, article=article, defaults={"linked_by": actor, "linked_at": at}
        )
        if created:
            events.record_answer_linked(ticket, article, actor, at)
    return answer


def unlink_answer(*, ticket: Ticket, article: Article, actor: User) -> None:
    """The article no longer answers the ticket; unlinking a pair not linked does nothing."""
    require(access.can_link_answers(actor), LINK_REFUSED)
    with use_case():
        ticket = lock(ticket)
        removed, _ = TicketAnswer.objects.filter(ticket=ticket, article=article).delete()
        if removed:
            events.record_answer_unlinked(ticket, article, actor, clock.now())

"""Write use cases of training notes: a knowledge article for the training audience,
written from the training gaps of one module and ERP role, and sent to an institution's
people in that role. Its own module beside ``services.py``, whose article use cases it
composes."""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition
from hypercare.knowledge import events
from hypercare.knowledge.choices import ArticleEventKind, ArticleStatus, Audience, Visibility
from hypercare.knowledge.models import ARTICLE_TITLE_MAX, ROLE_MAX, Article, TrainingNoteDelivery
from hypercare.knowledge.selectors import training_gaps
from hypercare.knowledge.services import WRITE_REFUSED, ArticleContent, create_article
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.services import notify
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.tickets.services.common import require

SEND_REFUSED = "Only support managers send training notes."
NOT_A_NOTE = "Only an article written for the training audience is sent as a training note."
NOT_PUBLISHED = (
    "Publish the training note before sending it: its readers see only published articles."
)


def write_training_note(*, actor: User, module_code: str, erp_role: str) -> Article:
    """A draft training note from every training gap flagged for ``erp_role`` on
    ``module_code``: a line per topic with how often it was flagged, for the training
    audience, visible to the institutions those gaps came from. Support writes the rest
    and takes it through review as any article."""
    require(access.can_write_articles(actor), WRITE_REFUSED)
    errors = FieldErrors()
    errors.choice("module_code", module_code, ModuleCode.values)
    role = errors.line("erp_role", erp_role, ROLE_MAX)
    errors.check()
    gaps = list(training_gaps(actor, module_code=module_code, erp_role=role))
    if not gaps:
        errors.add("erp_role", f"has no training gap flagged on {ModuleCode(module_code).label}")
        errors.check()
    topics = Counter(gap.topic for gap in gaps)
    lines = [f"- {topic} (asked in {count} ticket(s))" for topic, count in topics.most_common()]
    module = ModuleCode(module_code).label
    content = ArticleContent(
        title=f"Training: {module} for {gaps[0].erp_role}"[:ARTICLE_TITLE_MAX],
        body=f"What {gaps[0].erp_role} staff asked about {module}:\n\n" + "\n".join(lines),
        module_code=module_code,
        audiences=[Audience.TRAINING],
        visibility=Visibility.CHOSEN_INSTITUTIONS,
        institutions=sorted({gap.institution for gap in gaps}, key=lambda place: place.name),
    )
    return create_article(actor=actor, content=content, note="Written from training gaps.")


@dataclass(frozen=True)
class Sent:
    """A send's outcome: everyone of the role who has the note, and how many got it now."""

    deliveries: list[TrainingNoteDelivery]
    new: int


def send_training_note(
    *, article: Article, institution: Institution, erp_role: str, actor: User
) -> Sent:
    """Send the note to ``institution``'s active people whose ERP role is ``erp_role``
    (the free-text role a training gap names, compared without case; their work area
    says which articles they read, not which role they hold). Each person gets it once:
    sending again reaches only those who joined the role since. The note must be a
    published training note that ``institution`` may read (409 otherwise), since its
    recipients read it through their delivery."""
    require(access.can_read_knowledge_report(actor), SEND_REFUSED)
    errors = FieldErrors()
    role = errors.line("erp_role", erp_role, ROLE_MAX)
    errors.check()
    people = list(
        User.objects.filter(
            institution=institution, is_active=True, erp_role__iexact=role
        ).order_by("pk")
    )
    if not people:
        errors.add("erp_role", f"nobody active at {institution.name} holds this ERP role")
        errors.check()
    with use_case():
        article = Article.objects.select_for_update().get(pk=article.pk)
        _require_sendable(article, institution)
        had = set(
            TrainingNoteDelivery.objects.filter(article=article, recipient__in=people).values_list(
                "recipient_id", flat=True
            )
        )
        newcomers = [person for person in people if person.pk not in had]
        at = clock.now()
        TrainingNoteDelivery.objects.bulk_create(
            TrainingNoteDelivery(
                article=article,
                institution=institution,
                recipient=person,
                erp_role=role,
                sent_by=actor,
                sent_at=at,
            )
            for person in newcomers
        )
        notify(
            event=NotificationEvent.TRAINING_NOTE,
            ticket=None,
            recipients=newcomers,
            cause=f"training_note:{article.pk}",
            context={
                "article": article,
                "institution": institution,
                "erp_role": role,
                "address": f"{settings.SITE_URL}/portal/knowledge/{article.pk}/",
            },
        )
        events.record_article(
            article,
            ArticleEventKind.SENT,
            actor,
            at,
            new_value=f"{institution.name}, {role}: {len(newcomers)} new recipient(s)",
        )
    deliveries = TrainingNoteDelivery.objects.filter(article=article, recipient__in=people)
    return Sent(list(deliveries.select_related("recipient")), len(newcomers))


def _require_sendable(article: Article, institution: Institution) -> None:
    if not article.audiences.filter(audience=Audience.TRAINING).exists():
        raise InvalidTransition(NOT_A_NOTE)
    if article.status != ArticleStatus.PUBLISHED:
        raise InvalidTransition(NOT_PUBLISHED)
    reaches = article.visibility == Visibility.ALL_INSTITUTIONS or (
        article.visibility == Visibility.CHOSEN_INSTITUTIONS
        and article.institutions.filter(pk=institution.pk).exists()
    )
    if not reaches:
        raise InvalidTransition(
            f"The note is not visible to {institution.name}: make it visible to all "
            f"institutions or choose {institution.name} among its institutions, then send it."
        )

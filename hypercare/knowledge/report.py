"""The knowledge report, for support managers: which articles answer tickets, which
repeated questions were answered without one ("write this one"), and which training
gaps recur per module and ERP role. Reads only, through the access policy; a selector
module of its own beside ``selectors.py``."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.knowledge.models import Article, TicketAnswer, TrainingGap
from hypercare.lib import clock
from hypercare.orgs.choices import ModuleCode
from hypercare.tickets.choices import Category, Status
from hypercare.tickets.event_kinds import label_of
from hypercare.tickets.models import Ticket

REPORT_REFUSED = "Only support managers read the knowledge report."
DEFAULT_DAYS = 30
MAX_DAYS = 366
# A question asked this many times in the period without an article is worth writing.
DEFAULT_REPEATS = 3
MOST_USED = 20
EXAMPLES = 3


@dataclass(frozen=True)
class Period:
    """Whole days, both ends included, in the desk's time zone."""

    since: date
    until: date

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.since, time.min))

    @property
    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.until + timedelta(days=1), time.min))


def period_of(since: date | None, until: date | None) -> Period:
    """The period asked for: by default the last ``DEFAULT_DAYS`` days up to today."""
    last = until or timezone.localdate(clock.now())
    first = since or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise ValidationFailed({"since": "is after until"})
    if (last - first).days >= MAX_DAYS:
        raise ValidationFailed({"since": f"the period is at most {MAX_DAYS} days"})
    return Period(first, last)


@dataclass(frozen=True)
class ArticleUse:
    article: Article
    uses: int


@dataclass(frozen=True)
class Unanswered:
    """Resolved tickets of one module and category answered without any article."""

    module_code: str
    category: str
    count: int
    examples: list[Ticket]

    @property
    def module_label(self) -> str:
        return label_of(ModuleCode, self.module_code)

    @property
    def category_label(self) -> str:
        return label_of(Category, self.category)


@dataclass
class GapGroup:
    """Training gaps of one module and ERP role, with each institution's count."""

    module_code: str
    erp_role: str
    count: int = 0
    institutions: dict[str, int] = field(default_factory=dict)

    @property
    def module_label(self) -> str:
        return label_of(ModuleCode, self.module_code)


@dataclass(frozen=True)
class KnowledgeReport:
    period: Period
    repeats: int
    most_used: list[ArticleUse]
    write_this_one: list[Unanswered]
    gaps: list[GapGroup]


def knowledge_report(user: User, period: Period, repeats: int = DEFAULT_REPEATS) -> KnowledgeReport:
    if not access.can_read_knowledge_report(user):
        raise NotAllowed(REPORT_REFUSED)
    if repeats < 1:
        raise ValidationFailed({"repeats": "is at least 1"})
    return KnowledgeReport(
        period,
        repeats,
        most_used_articles(user, period),
        unanswered_questions(user, period, repeats),
        gap_groups(user, period),
    )


def most_used_articles(user: User, period: Period) -> list[ArticleUse]:
    """The articles most often linked as a ticket's answer in the period, most first."""
    links = TicketAnswer.objects.filter(
        access.ticket_answer_scope(user), linked_at__gte=period.start, linked_at__lt=period.end
    )
    counts = (
        links.values("article_id").annotate(uses=Count("pk")).order_by("-uses", "article_id")
    )[:MOST_USED]
    uses = {row["article_id"]: row["uses"] for row in counts}
    articles = Article.objects.in_bulk(list(uses))
    return [ArticleUse(articles[pk], count) for pk, count in uses.items()]


def unanswered_questions(user: User, period: Period, repeats: int) -> list[Unanswered]:
    """Tickets resolved in the period with no article linked, by module code and category,
    where at least ``repeats`` of them share both: the articles worth writing."""
    answered = TicketAnswer.objects.filter(ticket_id=OuterRef("pk"))
    tickets = Ticket.objects.filter(
        access.ticket_scope(user),
        status__in=[Status.RESOLVED, Status.CLOSED],
        resolved_at__gte=period.start,
        resolved_at__lt=period.end,
    ).exclude(Exists(answered))
    groups = (
        tickets.values("module__code", "category")
        .annotate(count=Count("pk"))
        .filter(count__gte=repeats)
        .order_by("-count", "module__code", "category")
    )
    examples: dict[tuple[str, str], list[Ticket]] = defaultdict(list)
    latest = Window(
        RowNumber(),
        partition_by=[F("module__code"), F("category")],
        order_by=[F("resolved_at").desc(), F("pk").desc()],
    )
    ranked = tickets.annotate(rank=latest).filter(rank__lte=EXAMPLES)
    for ticket in ranked.select_related("institution", "module").order_by("-resolved_at", "-pk"):
        examples[(ticket.module.code, ticket.category)].append(ticket)
    return [
        Unanswered(
            row["module__code"],
            row["category"],
            row["count"],
            examples[(row["module__code"], row["category"])],
        )
        for row in groups
    ]


def gap_groups(user: User, period: Period) -> list[GapGroup]:
    """Training gaps flagged in the period, by module and ERP role (roles compared
    without case), most flagged first, with the institutions they came from."""
    if not access.can_flag_training_gaps(user):
        return []
    rows = (
        TrainingGap.objects.filter(flagged_at__gte=period.start, flagged_at__lt=period.end)
        .values("module_code", "erp_role", "institution__name")
        .annotate(count=Count("pk"))
        .order_by("module_code", "erp_role", "institution__name")
    )
    groups: dict[tuple[str, str], GapGroup] = defaultdict(lambda: GapGroup("", ""))
    for row in rows:
        key = (row["module_code"], row["erp_role"].casefold())
        group = groups[key]
        if not group.module_code:
            group.module_code, group.erp_role = row["module_code"], row["erp_role"]
        group.count += row["count"]
        name = row["institution__name"]
        group.institutions[name] = group.institutions.get(name, 0) + row["count"]
    return sorted(groups.values(), key=lambda group: (-group.count, group.module_code))

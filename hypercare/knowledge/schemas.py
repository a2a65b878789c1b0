"""API shapes of training gaps and articles. Input schemas list exactly the fields an
operation may set."""

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field

from hypercare import access
from hypercare.accounts.schemas import UserRef
from hypercare.api.common import DbId, actor
from hypercare.knowledge.choices import ArticleStatus, Audience, Visibility
from hypercare.knowledge.models import (
    ARTICLE_TITLE_MAX,
    NOTE_LINE_MAX,
    QUERY_MAX,
    ROLE_MAX,
    TOPIC_MAX,
    VOTE_COMMENT_MAX,
    Article,
    ArticleFile,
    TrainingGap,
    TrainingNoteDelivery,
)
from hypercare.knowledge.report import DEFAULT_REPEATS
from hypercare.knowledge.selectors import (
    SUGGESTIONS_MAX,
    ArticleCounts,
    article_counts,
    article_files,
    article_source_ticket,
    highlighted,
    related_articles,
)
from hypercare.knowledge.services import ARTICLE_BODY_MAX, NOTE_MAX
from hypercare.lib.markdown import rendered_markdown
from hypercare.lib.text import body_text, single_line
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.tickets.schemas import InstitutionRef


class TrainingGapIn(Schema):
    model_config = ConfigDict(extra="forbid")

    topic: Annotated[str, single_line(min_length=1, max_length=TOPIC_MAX)]
    erp_role: Annotated[str, single_line(max_length=ROLE_MAX)] = Field(
        "", description="Who needs the training; by default the requester's ERP role."
    )
    module: ModuleCode | None = Field(None, description="By default the ticket's module.")
    note: Annotated[str, body_text(max_length=NOTE_MAX)] = ""


class TrainingGapQuery(Schema):
    module: ModuleCode | None = None
    erp_role: Annotated[str, single_line(max_length=ROLE_MAX)] = ""


class TrainingGapOut(Schema):
    ticket: str
    institution: str
    module: str = Field(alias="module_code")
    erp_role: str
    topic: str
    note: str
    flagged_by: str
    flagged_at: datetime

    @staticmethod
    def resolve_ticket(gap: TrainingGap) -> str:
        return gap.ticket.reference

    @staticmethod
    def resolve_institution(gap: TrainingGap) -> str:
        return gap.institution.name

    @staticmethod
    def resolve_flagged_by(gap: TrainingGap) -> str:
        return gap.flagged_by.display_name


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class ArticleIn(_Input):
    """An article's whole content, on creation and on every revision."""

    title: Annotated[str, single_line(min_length=1, max_length=ARTICLE_TITLE_MAX)]
    body: Annotated[str, body_text(min_length=1, max_length=ARTICLE_BODY_MAX)] = Field(
        description="Markdown; raw HTML is shown as text, and the rendering is sanitised."
    )
    module: ModuleCode
    audiences: Annotated[list[Audience], Field(min_length=1, max_length=len(Audience))]
    visibility: Visibility = Visibility.INTERNAL
    institution_ids: Annotated[list[DbId], Field(max_length=200)] = Field(
        default_factory=list, description="The institutions that read it: chosen visibility only."
    )
    note: Annotated[str, single_line(max_length=NOTE_LINE_MAX)] = Field(
        "", description="What changed, kept with the version."
    )


class RelatedIn(_Input):
    article_ids: Annotated[list[DbId], Field(max_length=50)] = Field(
        description="The whole list of related articles; the relation holds both ways."
    )


class ArticleQuery(Schema):
    module: ModuleCode | None = None
    audience: Audience | None = None
    status: ArticleStatus | None = None
    q: Annotated[str, single_line(max_length=200)] = Field(
        "",
        description="Words to find in the title and text (each also as the start of a "
        "word); the results come best first, each with a snippet.",
    )


class ArticleRef(Schema):
    id: int
    title: str


class ArticleOut(Schema):
    id: int
    title: str
    module: str = Field(alias="module_code")
    audiences: list[str]
    visibility: str
    status: str
    version: int
    updated_at: datetime
    published_at: datetime | None

    snippet: str = Field(
        "",
        description="With `q`: the text around the words found, HTML-escaped, each word "
        "in `<mark>`; empty otherwise.",
    )

    @staticmethod
    def resolve_audiences(article: Article) -> list[str]:
        return [row.audience for row in article.audiences.all()]

    @staticmethod
    def resolve_snippet(article: Article) -> str:
        found: str | None = getattr(article, "snippet", None)
        return str(highlighted(found)) if found else ""


class ArticleFileOut(Schema):
    id: int
    name: str = Field(validation_alias="original_name")
    content_type: str
    size: int
    url: str = Field(
        description="Where the article's readers download it; in Markdown, an image is "
        "shown by this page's address, `![what it shows](/knowledge/files/{id}/)`."
    )

    @staticmethod
    def resolve_url(found: ArticleFile) -> str:
        return f"/api/v1/articles/files/{found.pk}/content"


class ArticleCountsOut(Schema):
    views: int = Field(description="Readings on the portal; a reload soon after is not one.")
    helpful: int
    not_helpful: int
    deflections: int = Field(description="Reports not filed: the article solved the problem.")


class ArticleDetailOut(ArticleOut):
    body: str
    files: list[ArticleFileOut]
    html: str = Field(description="The body rendered and sanitised.")
    institutions: list[InstitutionRef] = Field(
        description="Chosen institutions; support staff only (empty for anyone else)."
    )
    related: list[ArticleRef] = Field(description="Related articles you may read.")
    source_ticket: str | None = Field(
        description="The reference of the ticket it was drafted from, if you may see it."
    )
    counts: ArticleCountsOut | None = Field(
        description="Views, votes and deflections; support staff only (null for anyone else)."
    )

    @staticmethod
    def resolve_files(article: Article) -> list[ArticleFile]:
        return list(article_files(article))

    @staticmethod
    def resolve_html(article: Article) -> str:
        return rendered_markdown(article.body)

    @staticmethod
    def resolve_institutions(article: Article, context: dict[str, Any]) -> list[Institution]:
        if not access.can_write_articles(actor(context["request"])):
            return []
        return list(article.institutions.order_by("name"))

    @staticmethod
    def resolve_related(article: Article, context: dict[str, Any]) -> list[Article]:
        return list(related_articles(actor(context["request"]), article))

    @staticmethod
    def resolve_source_ticket(article: Article, context: dict[str, Any]) -> str | None:
        ticket = article_source_ticket(actor(context["request"]), article)
        return ticket.reference if ticket is not None else None

    @staticmethod
    def resolve_counts(article: Article, context: dict[str, Any]) -> ArticleCounts | None:
        return article_counts(actor(context["request"]), article)


class SuggestionQuery(Schema):
    module: ModuleCode | None = Field(None, description="The module the report is about.")
    text: Annotated[str, body_text(max_length=QUERY_MAX * 10)] = Field(
        "", description="What the reader has typed so far: title and description."
    )
    limit: Annotated[int, Field(ge=1, le=SUGGESTIONS_MAX)] = 5


class SuggestionOut(Schema):
    id: int
    title: str
    module: str = Field(alias="module_code")
    snippet: str = Field(description="The text around the words found, HTML-escaped, in `<mark>`.")

    @staticmethod
    def resolve_snippet(article: Article) -> str:
        found: str | None = getattr(article, "snippet", None)
        return str(highlighted(found)) if found else ""


class DeflectionIn(_Input):
    module: ModuleCode | None = Field(None, description="The module the report was about.")
    query: Annotated[str, body_text(max_length=QUERY_MAX * 10)] = Field(
        "", description="What the reader had typed; kept as one line, cut to 500 characters."
    )


class DeflectionOut(Schema):
    id: int
    article_id: int
    module: str = Field(alias="module_code")
    query: str
    at: datetime


class VoteIn(_Input):
    helpful: bool
    comment: Annotated[str, body_text(max_length=VOTE_COMMENT_MAX)] = ""


class VoteOut(Schema):
    article_id: int
    helpful: bool
    comment: str
    voted_at: datetime


class ArticleVersionOut(Schema):
    number: int
    title: str
    body: str
    note: str
    edited_by: UserRef
    edited_at: datetime


class ArticleDiffOut(Schema):
    old: int
    new: int
    lines: list[str] = Field(description="A unified diff, title first, then the text.")


class TicketAnswerIn(_Input):
    article_id: DbId = Field(description="An article you may read that answers the ticket.")


class TicketAnswerOut(Schema):
    article: ArticleRef
    linked_by: UserRef
    linked_at: datetime


class KnowledgeReportQuery(Schema):
    since: date | None = Field(None, description="First day, included; by default 30 days ago.")
    until: date | None = Field(None, description="Last day, included; by default today.")
    repeats: Annotated[int, Field(ge=1, le=1000)] = Field(
        DEFAULT_REPEATS,
        description="How many resolved tickets of one module and category, answered "
        "without an article, make it worth writing one.",
    )


class ArticleUseOut(Schema):
    article: ArticleRef
    uses: int = Field(description="Tickets linked to it as their answer in the period.")


class UnansweredOut(Schema):
    module: str
    category: str
    count: int
    examples: list[str] = Field(description="References of the latest such tickets.")


class GapGroupOut(Schema):
    module: str
    erp_role: str
    count: int
    institutions: dict[str, int] = Field(description="Each institution's count of gaps.")


class KnowledgeReportOut(Schema):
    since: date
    until: date
    repeats: int
    most_used: list[ArticleUseOut]
    write_this_one: list[UnansweredOut]
    training_gaps: list[GapGroupOut]


class TrainingNoteIn(_Input):
    module: ModuleCode
    erp_role: Annotated[str, single_line(min_length=1, max_length=ROLE_MAX)]


class TrainingNoteSendIn(_Input):
    institution_id: DbId
    erp_role: Annotated[str, single_line(min_length=1, max_length=ROLE_MAX)] = Field(
        description="The ERP role of the people it goes to, as the training gaps name it."
    )


class DeliveryOut(Schema):
    recipient: UserRef
    institution: str
    erp_role: str
    sent_at: datetime

    @staticmethod
    def resolve_institution(delivery: TrainingNoteDelivery) -> str:
        return delivery.institution.name


class SentOut(Schema):
    new: int = Field(description="How many people got the note now; the others had it.")
    deliveries: list[DeliveryOut]

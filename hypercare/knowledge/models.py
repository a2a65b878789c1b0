"""What the desk learns from its tickets and writes down. A training gap: a ticket whose
answer shows that people in one ERP role need training on a topic of a module (the
seeds: "common issues should become training notes"). A knowledge article: what support
writes once so that nobody asks again."""

from django.conf import settings
from django.db import models

from hypercare.knowledge.choices import ArticleEventKind, ArticleStatus, Audience, Visibility
from hypercare.lib.text import validate_single_line
from hypercare.orgs.choices import ModuleCode

TOPIC_MAX = 200
ROLE_MAX = 120
ARTICLE_TITLE_MAX = 200
NOTE_LINE_MAX = 200


class TrainingGap(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="training_gap"
    )
    institution = models.ForeignKey(
        "orgs.Institution", on_delete=models.CASCADE, related_name="training_gaps"
    )
    module_code = models.CharField(max_length=30, choices=ModuleCode.choices)
    erp_role = models.CharField(max_length=ROLE_MAX, validators=[validate_single_line])
    topic = models.CharField(max_length=TOPIC_MAX, validators=[validate_single_line])
    note = models.TextField(blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    flagged_at = models.DateTimeField()

    class Meta:
        ordering = ["-flagged_at", "-pk"]
        indexes = [models.Index(fields=["module_code", "erp_role"], name="gap_module_role")]

    def __str__(self) -> str:
        return f"{self.topic} ({self.erp_role})"


class Article(models.Model):
    """A knowledge article: Markdown written by support for one ERP module.

    Articles are shared across institutions, so the module is its code (every
    institution runs the same modules), not one institution's ``orgs.Module``. The
    current text is kept here for reading and searching; every text ever saved is an
    ``ArticleVersion``. Who reads it: ``access.article_scope``.
    """

    title = models.CharField(max_length=ARTICLE_TITLE_MAX, validators=[validate_single_line])
    body = models.TextField()
    module_code = models.CharField(max_length=30, choices=ModuleCode.choices)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    status = models.CharField(
        max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    institutions = models.ManyToManyField(
        "orgs.Institution", blank=True, related_name="+", help_text="For chosen institutions."
    )
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["status", "module_code"], name="article_status_module")]

    def __str__(self) -> str:
        return self.title


class ArticleAudience(models.Model):
    """One audience an article is written for; an article has one or more."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="audiences")
    audience = models.CharField(max_length=20, choices=Audience.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "audience"], name="article_audience_unique")
        ]
        indexes = [models.Index(fields=["audience", "article"], name="audience_article")]

    def __str__(self) -> str:
        return self.get_audience_display()


class ArticleVersion(models.Model):
    """The title and text an article had from one save on: who wrote it, when, and why.
    Versions are only ever added; number 1 is the first text."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=ARTICLE_TITLE_MAX)
    body = models.TextField()
    note = models.CharField(max_length=NOTE_LINE_MAX, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField()

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class ArticleEvent(models.Model):
    """One step in an article's history, oldest first. The services only ever add steps."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=ArticleEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.get_kind_display()}"


class ArticleFile(models.Model):
    """An image or file of an article, stored like a ticket's attachment (outside the web
    root, its type sniffed from its bytes) and served to whoever reads the article."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="files")
    original_name = models.CharField(max_length=255, validators=[validate_single_line])
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=100, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class TicketAnswer(models.Model):
    """An article that answers a ticket, linked by an agent: what the knowledge report
    counts as an article's use, and what a requester finds on their ticket (when they
    may read the article). A ticket may be answered by several articles, each once."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="answers")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="answers")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField()

    class Meta:
        ordering = ["linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "article"], name="ticket_answer_unique")
        ]
        indexes = [models.Index(fields=["linked_at", "article"], name="answer_linked_at")]

    def __str__(self) -> str:
        return f"{self.ticket_id} answered by {self.article_id}"


class TrainingNoteDelivery(models.Model):
    """A training note sent to one person of an institution: who got it, when, from whom.
    Once per person and note, so sending to a role again reaches only newcomers; it also
    lets the recipient read the note (``access.article_scope``)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deliveries")
    institution = models.ForeignKey("orgs.Institution", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_notes"
    )
    erp_role = models.CharField(max_length=ROLE_MAX)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "recipient"], name="training_note_delivery_unique"
            )
        ]
        indexes = [models.Index(fields=["recipient", "article"], name="delivery_recipient")]

    def __str__(self) -> str:
        return f"{self.article_id} to {self.recipient_id}"


class ArticleSource(models.Model):
    """The resolved ticket an article was first drafted from. Kept so the desk can go
    back to the case behind an article; shown only to whoever may see that ticket, since
    the article itself carries none of its people or institution."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="source"
    )
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="article_source"
    )

    def __str__(self) -> str:
        return f"{self.article_id} from {self.ticket_id}"


QUERY_MAX = 500
VOTE_COMMENT_MAX = 2000


class Deflection(models.Model):
    """A report never filed: the reader said a suggested article solved their problem.
    What they had typed and the module they chose are kept, so the desk sees which
    questions the article answers."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(
        "orgs.Institution", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    module_code = models.CharField(max_length=30, choices=ModuleCode.choices, blank=True)
    query = models.CharField(max_length=QUERY_MAX, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["article", "at"], name="deflection_article_at")]

    def __str__(self) -> str:
        return f"{self.article_id} solved for {self.user_id}"


class ArticleView(models.Model):
    """One reading of an article by one person; a reload soon after is not another."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField()

    class Meta:
        ordering = ["-viewed_at", "-pk"]
        indexes = [
            models.Index(fields=["article", "user", "viewed_at"], name="article_view_recent")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} read by {self.user_id}"


class ArticleVote(models.Model):
    """Whether an article helped one reader, with what they said; one per reader and
    article, changed when they vote again."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    voted_at = models.DateTimeField()

    class Meta:
        ordering = ["-voted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="article_vote_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {'helpful' if self.helpful else 'not helpful'}"

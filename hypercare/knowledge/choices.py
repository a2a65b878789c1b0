from django.db import models


class KnowledgeTicketEventKind(models.TextChoices):
    """Training-gap flags, answered-by links and articles drafted from the ticket on its
    timeline: internal, since they judge what the institution's people know, may name an
    internal article, and a draft is support's."""

    TRAINING_GAP_FLAGGED = "training_gap_flagged", "Flagged as a training gap"
    TRAINING_GAP_CLEARED = "training_gap_cleared", "Training-gap flag cleared"
    ANSWER_LINKED = "answer_linked", "Answered by an article"
    ANSWER_UNLINKED = "answer_unlinked", "Answered-by article unlinked"
    ARTICLE_DRAFTED = "article_drafted", "Article drafted from the ticket"


class ArticleStatus(models.TextChoices):
    """An article's life cycle: only a published one reaches institutions."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


# Publishing needs a review; a reviewer sends a draft back; a retired article is revised
# as a draft and reviewed again before it returns.
ARTICLE_TRANSITIONS: dict[str, frozenset[str]] = {
    ArticleStatus.DRAFT: frozenset({ArticleStatus.IN_REVIEW}),
    ArticleStatus.IN_REVIEW: frozenset({ArticleStatus.DRAFT, ArticleStatus.PUBLISHED}),
    ArticleStatus.PUBLISHED: frozenset({ArticleStatus.RETIRED}),
    ArticleStatus.RETIRED: frozenset({ArticleStatus.DRAFT}),
}
# Steps only a knowledge editor takes; writers take the others.
EDITOR_STEPS = frozenset({ArticleStatus.PUBLISHED, ArticleStatus.RETIRED})


class Visibility(models.TextChoices):
    """Which institutions may read a published article."""

    ALL_INSTITUTIONS = "all", "All institutions"
    CHOSEN_INSTITUTIONS = "chosen", "Chosen institutions"
    INTERNAL = "internal", "Internal to support"


class Audience(models.TextChoices):
    """Who an article is written for: everyone at an institution, one work area
    (``accounts.choices.WorkArea``, the same values), or the institution-wide roles.
    A training note is written for the people it is sent to (``TrainingNoteDelivery``):
    they read it whatever their work area. Support-internal articles are those of
    internal visibility, not an audience."""

    EVERYONE = "everyone", "Everyone"
    ACCOUNTS = "accounts", "Accounts staff"
    EXAM_CELL = "exam_cell", "Exam cell"
    FACULTY = "faculty", "Faculty"
    HR = "hr", "HR and payroll staff"
    ADMISSIONS = "admissions", "Admissions office"
    LIBRARY = "library", "Library staff"
    INSTITUTION_ADMIN = "institution_admin", "Institution admins and key users"
    TRAINING = "training", "Training note (for whom it is sent to)"


class ArticleEventKind(models.TextChoices):
    """An article's history: every change, who made it and when."""

    CREATED = "created", "Created"
    EDITED = "edited", "Edited"
    STATUS_CHANGED = "status_changed", "Status changed"
    RELATED_CHANGED = "related_changed", "Related articles changed"
    FILE_ADDED = "file_added", "File added"
    SENT = "sent", "Sent as a training note"
    WRITTEN_FROM_TICKET = "from_ticket", "Written from a ticket"

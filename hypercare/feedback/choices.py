from django.db import models


class IdeaStatus(models.TextChoices):
    """Where a product idea stands; requesters of its tickets are told each change."""

    UNDER_REVIEW = "under_review", "Under review"
    PLANNED = "planned", "Planned"
    DECLINED = "declined", "Declined"
    SHIPPED = "shipped", "Shipped"


class IdeaTicketEventKind(models.TextChoices):
    """A product idea's steps on its enhancement tickets' timelines: public, in words
    that name the idea and never another institution."""

    IDEA_LINKED = "idea_linked", "Recorded as a product idea"
    IDEA_STATUS_CHANGED = "idea_status_changed", "Product idea's status changed"

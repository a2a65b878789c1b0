from django.db import models


class KnowledgeTicketEventKind(models.TextChoices):
    """Training-gap flags on a ticket's timeline: internal, since they judge what the
    institution's people know."""

    TRAINING_GAP_FLAGGED = "training_gap_flagged", "Flagged as a training gap"
    TRAINING_GAP_CLEARED = "training_gap_cleared", "Training-gap flag cleared"

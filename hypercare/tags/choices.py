from django.db import models


class TagEventKind(models.TextChoices):
    """Tags on a ticket's timeline; internal, as the tags themselves are."""

    TAGGED = "tagged", "Tag added"
    UNTAGGED = "untagged", "Tag removed"

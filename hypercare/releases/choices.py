from django.db import models


class ReleaseEventKind(models.TextChoices):
    """A ticket's release plan and its shipping, on the ticket's timeline."""

    RELEASE_PLANNED = "release_planned", "Planned for a release"
    SHIPPED = "shipped", "Shipped in a release"
    NOTE_WORDED = "release_note_worded", "Release note worded"

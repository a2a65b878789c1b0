from django.db import models


class MacroEventKind(models.TextChoices):
    """A macro's summary on a ticket's timeline; internal, as macros are support's own."""

    MACRO_APPLIED = "macro_applied", "Macro applied"

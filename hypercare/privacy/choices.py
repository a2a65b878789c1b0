from django.db import models


class RegisterAction(models.TextChoices):
    """What the data-protection register records: each action on a person's data."""

    EXPORT = "export", "Subject access export"
    ANONYMISE = "anonymise", "Anonymisation"
    RETENTION_SET = "retention_set", "Retention set"
    RETENTION_PURGE = "retention_purge", "Retention purge"

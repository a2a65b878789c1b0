"""Free tags on tickets: the support side's own labels, never shown to institutions."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from hypercare.lib.text import validate_single_line

NAME_MAX = 50


def normalized(name: str) -> str:
    """A tag's name as stored and looked up: lower case, inner spaces collapsed to one."""
    return " ".join(name.split()).lower()


class Tag(models.Model):
    """A label support staff put on tickets to find them again ("fee-receipts",
    "vendor-bug"). Stored as typed, in lower case and with inner spaces collapsed
    (``normalized``), so "Fee receipts" and "fee  receipts" are one tag; the
    constraint keeps them one even if a row is written around the services."""

    name = models.CharField(max_length=NAME_MAX, validators=[validate_single_line])
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="tag_name_unique_any_case"),
        ]

    def __str__(self) -> str:
        return self.name


class Tagging(models.Model):
    """One tag on one ticket, with who put it there and when."""

    # The unique constraint leads with the ticket and serves its lookups.
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="taggings", db_index=False
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="taggings")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["tag__name"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "tag"], name="tag_once_per_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.tag_id}"

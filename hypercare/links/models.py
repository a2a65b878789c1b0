"""Links between tickets."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from hypercare.links.choices import LinkKind


class TicketLink(models.Model):
    """Two tickets tied together, shown on both, read from ``source`` to ``target``
    (``source`` is a duplicate of, caused by, or the parent of ``target``).

    Two tickets have at most one link: the services refuse a second one either way
    round. ``merged_at`` is set on the duplicate-of link a merge made (or found): the
    source is then closed, its replies go to the target, and the link stays.
    """

    # The unique constraint leads with the source and serves its lookups.
    source = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="links_out", db_index=False
    )
    target = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    merged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="link_once"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="link_not_to_itself"),
            models.CheckConstraint(
                condition=Q(merged_at__isnull=True) | Q(kind=LinkKind.DUPLICATE_OF),
                name="link_merged_only_as_duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"

"""Product feedback: enhancement requests gathered into deduplicated ideas.

An idea is written by the desk in words every institution may read (it names none);
institutions vote for it (one vote each), and the enhancement tickets asking for it are
linked to it, one idea per ticket. Which institutions voted and which tickets ask for it
are for support staff alone: institutions see the count.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from hypercare.feedback.choices import IdeaStatus
from hypercare.lib.text import validate_single_line
from hypercare.orgs.choices import ModuleCode

TITLE_MAX = 200


class Idea(models.Model):
    title = models.CharField(max_length=TITLE_MAX, validators=[validate_single_line])
    description = models.TextField()
    module_code = models.CharField(max_length=30, choices=ModuleCode.choices)
    status = models.CharField(
        max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.UNDER_REVIEW
    )
    release = models.ForeignKey(
        "releases.Release",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ideas",
        help_text="The release it is planned for (planned, shipped).",
    )
    decline_reason = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        help_text="The idea this duplicate was merged into: its votes and tickets went there.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=IdeaStatus.PLANNED) | Q(release__isnull=False),
                name="idea_planned_for_a_release",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"IDEA-{self.pk:04d}"


class IdeaVote(models.Model):
    """An institution asking for the idea: one vote each, cast by one of its people."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    institution = models.ForeignKey(
        "orgs.Institution", on_delete=models.CASCADE, related_name="idea_votes"
    )
    voted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    voted_at = models.DateTimeField()

    class Meta:
        ordering = ["voted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "institution"], name="idea_one_vote_each"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} for {self.idea}"


class IdeaTicket(models.Model):
    """An enhancement ticket asking for the idea."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="tickets")
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="idea_link"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField()

    class Meta:
        ordering = ["linked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket} asks for {self.idea}"

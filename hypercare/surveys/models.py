"""Satisfaction surveys: after a resolution the requester rates the support from 1 to 5.

One survey per ticket, asked once (a ticket reopened and resolved again is not asked
twice). The team and agent are those at resolution, so the results credit who resolved
it even when the ticket moves later.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from hypercare.surveys.choices import RATING_MAX, RATING_MIN, Channel


class Survey(models.Model):
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="survey")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="surveys"
    )
    team = models.ForeignKey(
        "orgs.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
        help_text="The ticket's team when it was resolved.",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rated_surveys",
        help_text="The ticket's assignee when it was resolved.",
    )
    sent_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["requester", "sent_at"], name="survey_requester_sent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="survey_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, rating__isnull=True)
                | Q(answered_at__isnull=False, rating__isnull=False),
                name="survey_answered_with_a_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"Survey of {self.ticket}"

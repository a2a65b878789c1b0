"""What the desk learns from its tickets. A training gap: a ticket whose answer shows
that people in one ERP role need training on a topic of a module (the seeds: "common
issues should become training notes")."""

from django.conf import settings
from django.db import models

from hypercare.lib.text import validate_single_line
from hypercare.orgs.choices import ModuleCode

TOPIC_MAX = 200
ROLE_MAX = 120


class TrainingGap(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="training_gap"
    )
    institution = models.ForeignKey(
        "orgs.Institution", on_delete=models.CASCADE, related_name="training_gaps"
    )
    module_code = models.CharField(max_length=30, choices=ModuleCode.choices)
    erp_role = models.CharField(max_length=ROLE_MAX, validators=[validate_single_line])
    topic = models.CharField(max_length=TOPIC_MAX, validators=[validate_single_line])
    note = models.TextField(blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    flagged_at = models.DateTimeField()

    class Meta:
        ordering = ["-flagged_at", "-pk"]
        indexes = [models.Index(fields=["module_code", "erp_role"], name="gap_module_role")]

    def __str__(self) -> str:
        return f"{self.topic} ({self.erp_role})"

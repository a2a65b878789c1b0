"""The data-protection register and each institution's retention setting."""

from django.conf import settings
from django.db import models

from hypercare.lib.append_only import AppendOnly, AppendOnlyQuerySet
from hypercare.privacy.choices import RegisterAction


class RegisterEntry(AppendOnly):
    """One action on personal data: an export, an anonymisation, a retention setting or
    purge. The subject is kept by id only: after an anonymisation it reads as the
    placeholder, so the register never re-identifies the person it anonymised."""

    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=20, choices=RegisterAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the desk itself acted (the retention job).",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The person whose data it was, for an export or anonymisation.",
    )
    institution = models.ForeignKey(
        "orgs.Institution", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.JSONField(default=dict, help_text="What was done, counted.")

    objects = AppendOnlyQuerySet["RegisterEntry"].as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "register entries"

    def __str__(self) -> str:
        return f"{self.get_action_display()} @ {self.at:%Y-%m-%d %H:%M}"


class RetentionSetting(models.Model):
    """How long an institution keeps closed tickets' attachments. Empty: kept for good."""

    institution = models.OneToOneField(
        "orgs.Institution", on_delete=models.CASCADE, related_name="retention"
    )
    attachment_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Months after a ticket closes that its files are removed; empty keeps them.",
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Retention of {self.institution}: {self.attachment_months or 'keep'}"

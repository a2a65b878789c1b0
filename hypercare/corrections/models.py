"""A data correction's record, its versions and the data owner's sign-offs.

The record says what will change (records affected, each field's value before and
after), why, and how to undo it. Every write keeps a version, and the record's content
hash (SHA-256 of its canonical JSON, the CSV extract's own hash included) is what a
sign-off is given to: a record whose hash moved on is no longer signed off.
"""

from django.conf import settings
from django.db import models

from hypercare.corrections.choices import Decision, Reason, VoidReason
from hypercare.tickets.models import Attachment, Ticket

HASH_LENGTH = 64


class CorrectionRecord(models.Model):
    """The one correction record of a data-correction ticket, as last written."""

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="correction")
    records = models.JSONField(default=list, help_text="The identifiers of the records affected.")
    extract = models.ForeignKey(
        Attachment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A CSV extract of the records affected, a public file of the ticket.",
    )
    changes = models.JSONField(default=list, help_text="Rows of record, field, before and after.")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reversal_plan = models.TextField()
    content_hash = models.CharField(max_length=HASH_LENGTH)
    version = models.PositiveIntegerField(default=1)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField()
    sign_off_requested_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(applied_at__isnull=False) | models.Q(verified_at__isnull=True),
                name="correction_verified_only_once_applied",
            ),
        ]

    def __str__(self) -> str:
        return f"Correction record of {self.ticket.reference}"


class CorrectionVersion(models.Model):
    """One version of a correction record, as it was written: the history a sign-off's
    hash can be traced back to."""

    record = models.ForeignKey(CorrectionRecord, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    content_hash = models.CharField(max_length=HASH_LENGTH)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["record", "number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="one_correction_version_each")
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"


class SignOff(models.Model):
    """A data owner's decision on one version of the record: who, when, their comment,
    the hash they decided on and a snapshot of what they read. ``voided_at``: the decision
    no longer stands, for ``void_reason`` (the record changed afterwards, or another data
    owner is named)."""

    record = models.ForeignKey(CorrectionRecord, on_delete=models.CASCADE, related_name="sign_offs")
    data_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(blank=True)
    content_hash = models.CharField(max_length=HASH_LENGTH)
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    decided_at = models.DateTimeField()
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=20, choices=VoidReason.choices, blank=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["record", "decided_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(voided_at__isnull=True, void_reason="")
                | (models.Q(voided_at__isnull=False) & ~models.Q(void_reason="")),
                name="sign_off_void_with_its_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.data_owner}"

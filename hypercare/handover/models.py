"""The handover record of an institution leaving hypercare: who is who on both sides, what
was agreed, and the sign-offs of the institution's admin and the desk's support manager."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from hypercare.handover.choices import GateEventKind, GateKind, HandoverEventKind
from hypercare.orgs.choices import Phase


class HandoverRecord(models.Model):
    """One institution's handover. Its content lives in its versions; the newest is the
    current one, and only the current one can be signed."""

    institution = models.OneToOneField(
        "orgs.Institution", on_delete=models.CASCADE, related_name="handover"
    )
    current_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Handover of {self.institution}"


class HandoverVersion(models.Model):
    """What one save of the record held: the desk's records as they were then (people,
    integrations, owners, SLA) and the free text written on the page, as one JSON snapshot,
    with the sign-offs given to exactly that content. A save after a sign-off is a new
    version without sign-offs: nobody signs what they have not seen."""

    record = models.ForeignKey(HandoverRecord, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField()
    institution_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    institution_signed_at = models.DateTimeField(null=True)
    desk_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    desk_signed_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="handover_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.record} · version {self.number}"

    @property
    def is_signed(self) -> bool:
        """Signed by both sides: the handover is agreed."""
        return self.institution_signed_at is not None and self.desk_signed_at is not None


class HandoverEvent(models.Model):
    """One step in a handover record's history, oldest first; only ever added."""

    record = models.ForeignKey(HandoverRecord, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=HandoverEventKind.choices)
    version = models.PositiveIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.record_id}: {self.get_kind_display()}"


class ExitGate(models.Model):
    """One criterion an institution must meet to leave hypercare. Rows without an
    institution are the default set; an institution with rows of its own is held to
    those instead."""

    institution = models.ForeignKey(
        "orgs.Institution", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=GateKind.choices)
    threshold = models.PositiveIntegerField()

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "kind"], name="exit_gate_unique_kind"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(institution__isnull=True), name="exit_gate_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution or 'Default'} · {self.get_kind_display()} ({self.threshold})"


class ExitGateEvent(models.Model):
    """A change to a set of exit gates, the default set (no institution) or an
    institution's own, with the set before and after; only ever added, so the page shows
    who moved which threshold when."""

    institution = models.ForeignKey(
        "orgs.Institution", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=GateEventKind.choices)
    before = models.JSONField(help_text="Gate kind → threshold, before the change.")
    after = models.JSONField(help_text="Gate kind → threshold, after it; empty: the defaults.")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution or 'Default'} · {self.get_kind_display()}"


class Scorecard(models.Model):
    """The exit gates of one institution as they stood on one day. The unique day is the
    daily job's claim: a second run, or a second worker, finds it taken."""

    institution = models.ForeignKey(
        "orgs.Institution", on_delete=models.CASCADE, related_name="scorecards"
    )
    day = models.DateField()
    computed_at = models.DateTimeField()
    all_met = models.BooleanField()
    lines = models.JSONField(help_text="Each gate: kind, threshold, figure, met.")

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "day"], name="scorecard_one_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.day}"


class PhaseChange(models.Model):
    """An institution moved out of hypercare, with the gates as they stood at that moment
    and, when not all were met, the reason the manager gave for moving it anyway."""

    institution = models.ForeignKey(
        "orgs.Institution", on_delete=models.CASCADE, related_name="phase_changes"
    )
    from_phase = models.CharField(max_length=20, choices=Phase.choices)
    to_phase = models.CharField(max_length=20, choices=Phase.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    lines = models.JSONField()
    all_met = models.BooleanField()
    override_reason = models.TextField(blank=True)
    sla_policy_taken = models.CharField(
        max_length=100,
        blank=True,
        help_text="The policy whose targets and calendar the institution's own took.",
    )

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.institution} → {self.get_to_phase_display()}"

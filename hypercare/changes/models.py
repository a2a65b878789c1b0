"""Change requests: configuration changes, patches and upgrades, approved before they are
tested and implemented in their window (issue 13).

A change concerns the institutions of its affected modules (``institutions``): each
institution's people see it, nobody else's. Each affected module's owner approves it; a
high-risk change also needs a support manager. Any rejection stops it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from hypercare.changes.choices import (
    ApproverRole,
    ChangeEventKind,
    ChangeKind,
    ChangeStatus,
    Decision,
    Outcome,
    Risk,
)
from hypercare.lib import clock
from hypercare.lib.text import validate_single_line

REFERENCE_PREFIX = "CHG-"
TITLE_MAX = 200


class ChangeRequest(models.Model):
    """One change with its plan, its risk and where it stands.

    ``assessed_risk`` follows from the questionnaire; ``risk`` is what the change is
    handled as: the assessed risk, or higher when the agent raised it.
    """

    title = models.CharField(max_length=TITLE_MAX, validators=[validate_single_line])
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    status = models.CharField(
        max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.DRAFT
    )
    plan = models.TextField(blank=True)
    rollback_plan = models.TextField(blank=True)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    touches_finance_or_exam_data = models.BooleanField(default=False)
    reversible_in_minutes = models.BooleanField(default=True)
    affects_several_institutions = models.BooleanField(default=False)
    in_production_hours = models.BooleanField(default=False)
    assessed_risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.LOW)
    risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.LOW)
    modules = models.ManyToManyField("orgs.Module", blank=True, related_name="change_requests")
    institutions = models.ManyToManyField(
        "orgs.Institution", blank=True, related_name="change_requests"
    )
    tickets = models.ManyToManyField("tickets.Ticket", blank=True, related_name="change_requests")
    problems = models.ManyToManyField(
        "problems.Problem", blank=True, related_name="change_requests"
    )
    release = models.ForeignKey(
        "releases.Release",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(default=clock.now)
    implemented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    implemented_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)

    class Meta:
        ordering = ["window_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__isnull=True)
                | Q(window_end__isnull=True)
                | Q(window_end__gt=models.F("window_start")),
                name="change_window_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["window_start", "window_end"], name="change_window")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"{REFERENCE_PREFIX}{self.pk:05d}"


class ChangeApproval(models.Model):
    """One approval a change needs: an affected module's owner (any one of them decides
    for the module), or a support manager for a high-risk change."""

    change = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="approvals")
    role = models.CharField(max_length=20, choices=ApproverRole.choices)
    module = models.ForeignKey(
        "orgs.Module", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["role", "module_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["change", "role", "module"], name="approval_unique"),
            models.CheckConstraint(
                condition=Q(role=ApproverRole.SUPPORT_MANAGER) | Q(module__isnull=False),
                name="approval_module_owner_names_module",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.change.reference}: {self.get_role_display()} {self.get_decision_display()}"


class ChangeEvidence(models.Model):
    """What testing the approved change showed: a note and its files."""

    change = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="evidence")
    note = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.change.reference}: evidence"


class EvidenceFile(models.Model):
    """A file of test evidence, stored like a ticket's attachment (outside the web root,
    its type sniffed) and served after the change's access check."""

    evidence = models.ForeignKey(ChangeEvidence, on_delete=models.PROTECT, related_name="files")
    original_name = models.CharField(max_length=255, validators=[validate_single_line])
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ChangeEvent(models.Model):
    """One step in a change's history, oldest first. The services only ever add steps."""

    change = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=ChangeEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    value = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.change.reference}: {self.get_kind_display()}"

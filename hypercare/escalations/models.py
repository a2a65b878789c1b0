"""Escalations: management attention on one ticket, from request to de-escalation (seed 003).

Every step is also an event on the ticket's timeline; the record here holds the current
state the daily review and the update cadence need, so both are queries.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from hypercare.accounts.choices import Role
from hypercare.escalations.choices import (
    OPEN_ESCALATION_STATUSES,
    AgreementChannel,
    CommunicationMode,
    EscalationLevel,
    EscalationReason,
    EscalationStatus,
    Workaround,
)
from hypercare.orgs.choices import ModuleCode


class Escalation(models.Model):
    """One escalation of one ticket. A ticket has at most one open escalation at a time."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="escalations"
    )
    status = models.CharField(
        max_length=20, choices=EscalationStatus.choices, default=EscalationStatus.REQUESTED
    )
    level = models.PositiveSmallIntegerField(
        choices=EscalationLevel.choices, default=EscalationLevel.SUPPORT_LEAD
    )
    reason = models.CharField(max_length=20, choices=EscalationReason.choices)
    details = models.TextField(blank=True, help_text="The requester's own words, if any.")

    # The review checklist, answered before the escalation is raised.
    problem_statement_confirmed = models.BooleanField(default=False)
    business_impact = models.TextField()
    workaround = models.CharField(max_length=20, choices=Workaround.choices)
    workaround_impractical_because = models.TextField(blank=True)
    milestone_date = models.DateField(null=True, blank=True)
    milestone = models.CharField(max_length=500, blank=True)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()

    # Handling: the primary contact, the plans and the update cadence.
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_escalations",
    )
    manager_assigned_at = models.DateTimeField(null=True, blank=True)
    action_plan = models.TextField(blank=True)
    action_plan_recorded_at = models.DateTimeField(null=True, blank=True)
    communication_mode = models.CharField(
        max_length=20, choices=CommunicationMode.choices, blank=True
    )
    update_every_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    attendees = models.TextField(blank=True)
    last_update_at = models.DateTimeField(null=True, blank=True)
    next_update_due_at = models.DateTimeField(null=True, blank=True)
    update_missed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the update now due was flagged as missed."
    )

    # De-escalation: the checklist and the requester's documented agreement.
    action_plan_accepted = models.BooleanField(default=False)
    root_cause_on_track = models.BooleanField(default=False)
    agreed_by = models.CharField(max_length=200, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreement_channel = models.CharField(
        max_length=20, choices=AgreementChannel.choices, blank=True
    )
    de_escalated_at = models.DateTimeField(null=True, blank=True)
    de_escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(status__in=OPEN_ESCALATION_STATUSES),
                name="escalation_one_open_per_ticket",
            ),
            models.CheckConstraint(
                condition=Q(update_every_hours__isnull=True) | Q(update_every_hours__gte=1),
                name="escalation_update_every_positive",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_update_due_at"],
                condition=Q(status__in=OPEN_ESCALATION_STATUSES),
                name="escalation_update_due",
            ),
            models.Index(fields=["status", "requested_at"], name="escalation_status"),
        ]

    def __str__(self) -> str:
        return f"Escalation {self.pk} of ticket {self.ticket_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ESCALATION_STATUSES


class EscalationRule(models.Model):
    """Names the escalation manager for escalations of an institution and/or module.

    The most specific matching rule wins (the most criteria set), then the lowest
    position. With no rule, or a rule whose manager is no longer available, the escalation
    manager with the fewest open escalations is chosen.
    """

    position = models.PositiveIntegerField(default=100)
    institution = models.ForeignKey(
        "orgs.Institution", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    module_code = models.CharField(max_length=30, choices=ModuleCode.choices, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"role_grants__role": Role.ESCALATION_MANAGER},
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        criteria = [str(value) for value in (self.institution, self.module_code) if value]
        return f"{' + '.join(criteria) or 'anything'} → {self.manager}"

    def clean(self) -> None:
        if self.manager_id is not None and not self.manager.has_role(Role.ESCALATION_MANAGER):
            raise ValidationError({"manager": "must hold the escalation manager role"})


class EscalationDigest(models.Model):
    """One day's digest of open escalations; the unique day makes sending it a claim."""

    day = models.DateField(unique=True)
    sent_at = models.DateTimeField()
    escalations = models.PositiveIntegerField()

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"Escalation digest {self.day}"

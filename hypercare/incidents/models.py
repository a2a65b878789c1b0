"""Major incidents: one outage declared once, its child tickets, and its own timeline.

The record holds what the banner, the update cadence and the daily review need, so each
is a query; every step is also an event on the incident's timeline and on the timeline
of each child ticket it concerns.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from hypercare.incidents.choices import IncidentEventKind, IncidentStatus
from hypercare.lib.text import validate_single_line
from hypercare.orgs.choices import IntegrationKind, ModuleCode


class MajorIncident(models.Model):
    """One outage affecting several tickets, often of several institutions.

    ``title`` is the banner's words ("fee payments failing"): the affected institutions'
    users read it, so it names no institution. The children are tickets; a ticket is the
    child of one incident at most.
    """

    title = models.CharField(max_length=200, validators=[validate_single_line])
    module_code = models.CharField(max_length=30, choices=ModuleCode.choices)
    integration_kind = models.CharField(max_length=20, choices=IntegrationKind.choices, blank=True)
    impact = models.TextField(help_text="What people cannot do, in words every reader may see.")
    institutions = models.ManyToManyField(
        "orgs.Institution", related_name="major_incidents", help_text="The affected institutions."
    )
    started_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.ACTIVE
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField()
    update_every_hours = models.PositiveSmallIntegerField(default=1)
    last_update_at = models.DateTimeField(null=True, blank=True)
    next_update_due_at = models.DateTimeField(null=True, blank=True)
    update_missed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the update now due was flagged as missed."
    )
    resolve_by = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The resolution target, around the clock; none only on incidents declared "
        "before incidents had one.",
    )
    resolve_missed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the resolution target was flagged as missed."
    )
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-declared_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(update_every_hours__gte=1), name="incident_update_every_positive"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_update_due_at"],
                condition=Q(status=IncidentStatus.ACTIVE),
                name="incident_update_due",
            ),
            models.Index(
                fields=["resolve_by"],
                condition=Q(status=IncidentStatus.ACTIVE),
                name="incident_resolve_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"MI-{self.pk:06d}"

    @property
    def is_active(self) -> bool:
        return self.status == IncidentStatus.ACTIVE

    def resolve_overdue(self, at: datetime) -> bool:
        """Still active at ``at`` past its resolution target."""
        return self.is_active and self.resolve_by is not None and self.resolve_by <= at


class IncidentChild(models.Model):
    """A ticket attached to a major incident: resolved with it, told its updates."""

    incident = models.ForeignKey(MajorIncident, on_delete=models.CASCADE, related_name="children")
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="incident_child"
    )
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    attached_at = models.DateTimeField()

    class Meta:
        ordering = ["attached_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id} in {self.incident_id}"


class IncidentEvent(models.Model):
    """One step on the incident's own timeline (support staff read it)."""

    incident = models.ForeignKey(MajorIncident, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=IncidentEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    body = models.TextField(blank=True)
    moment = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The time the step names: a new resolution target, or the one missed.",
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.incident_id}"

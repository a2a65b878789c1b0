"""Major incident vocabularies: where one stands, and what its timelines record."""

from django.db import models


class IncidentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RESOLVED = "resolved", "Resolved"


class IncidentEventKind(models.TextChoices):
    """The incident's own timeline."""

    DECLARED = "declared", "Declared"
    CHILD_ATTACHED = "child_attached", "Ticket attached"
    CHILD_DETACHED = "child_detached", "Ticket detached"
    UPDATE = "update", "Public update"
    UPDATE_MISSED = "update_missed", "Update missed"
    RESOLVE_BY_CHANGED = "resolve_by_changed", "Resolution target changed"
    RESOLVE_MISSED = "resolve_missed", "Resolution target missed"
    RESOLVED = "resolved", "Resolved"


class IncidentTicketEventKind(models.TextChoices):
    """The incident's steps on each child ticket's timeline."""

    INCIDENT_DECLARED = "incident_declared", "Major incident declared"
    INCIDENT_ATTACHED = "incident_attached", "Attached to a major incident"
    INCIDENT_DETACHED = "incident_detached", "Detached from a major incident"
    INCIDENT_UPDATE = "incident_update", "Major incident update"

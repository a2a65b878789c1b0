"""Escalation vocabularies: why one is asked for, where it stands, and who attends to it."""

from django.db import models


class EscalationReason(models.TextChoices):
    """The situations in which escalation is appropriate (seed 003)."""

    PRODUCTION_DOWN = (
        "production_down",
        "Production is down during an upgrade or implementation",
    )
    BUSINESS_IMPACT = "business_impact", "Critical business impact to bring to management"
    DISSATISFIED = "dissatisfied", "Dissatisfied with responsiveness or resolution"


class Workaround(models.TextChoices):
    """The review checklist's workaround question: is there one, and why it will not do."""

    NONE = "none", "There is no workaround"
    IMPRACTICAL = "impractical", "There is one, but it is impractical or inappropriate"


class EscalationStatus(models.TextChoices):
    REQUESTED = "requested", "Requested: waiting for an escalation manager"
    ACTIVE = "active", "Being handled by an escalation manager"
    DE_ESCALATED = "de_escalated", "De-escalated"
    MERGED = "merged", "Closed: its ticket was merged into one already escalated"


OPEN_ESCALATION_STATUSES = (EscalationStatus.REQUESTED, EscalationStatus.ACTIVE)


class EscalationLevel(models.IntegerChoices):
    """Whose attention the escalation has; it is raised, never lowered, until de-escalation."""

    SUPPORT_LEAD = 1, "Level 1 · support lead"
    SUPPORT_MANAGER = 2, "Level 2 · support manager"
    EXECUTIVE = 3, "Level 3 · executive"


class CommunicationMode(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone call"
    CONFERENCE_CALL = "conference_call", "Conference call"


class AgreementChannel(models.TextChoices):
    """How the requester's agreement to de-escalate was given."""

    EMAIL = "email", "Email"
    PHONE = "phone", "Phone call"
    CONFERENCE_CALL = "conference_call", "Conference call"
    PORTAL = "portal", "In the portal"
    IN_PERSON = "in_person", "In person"


class EscalationStep(models.TextChoices):
    """The steps of the process, in their order; ``next_steps`` says which are open now."""

    REQUEST = "request", "Request an escalation"
    MANAGER = "manager", "Name the escalation manager"
    ACTION_PLAN = "action-plan", "Record the action plan"
    COMMUNICATION_PLAN = "communication-plan", "Agree the communication plan"
    UPDATE = "update", "Post an update"
    LEVEL = "level", "Raise the level"
    DE_ESCALATION = "de-escalation", "De-escalate"


class EscalationEventKind(models.TextChoices):
    """The escalation's steps on the ticket's timeline."""

    ESCALATION_REQUESTED = "escalation_requested", "Escalation requested"
    ESCALATION_MANAGER = "escalation_manager", "Escalation manager assigned"
    ESCALATION_ACTION_PLAN = "escalation_action_plan", "Escalation action plan"
    ESCALATION_COMMUNICATION_PLAN = "escalation_communication_plan", "Communication plan"
    ESCALATION_UPDATE = "escalation_update", "Escalation update"
    ESCALATION_UPDATE_MISSED = "escalation_update_missed", "Escalation update missed"
    ESCALATION_LEVEL_RAISED = "escalation_level_raised", "Escalation level raised"
    DE_ESCALATED = "de_escalated", "De-escalated"
    ESCALATION_MOVED_OUT = "escalation_moved_out", "Escalation moved to the surviving ticket"
    ESCALATION_MOVED_IN = "escalation_moved_in", "Escalation moved from a merged ticket"
    ESCALATION_CLOSED_BY_MERGE = "escalation_closed_by_merge", "Escalation closed by a merge"

from django.db import models


class HandoverEventKind(models.TextChoices):
    """The steps of a handover record's history."""

    SAVED = "saved", "Saved a new version"
    SIGNED_BY_INSTITUTION = "signed_institution", "Signed off for the institution"
    SIGNED_BY_DESK = "signed_desk", "Signed off for the support desk"


class Side(models.TextChoices):
    """Who a sign-off speaks for: the record is complete when both have signed."""

    INSTITUTION = "institution", "Institution"
    DESK = "desk", "Support desk"


class GateKind(models.TextChoices):
    """One criterion for leaving hypercare; its threshold reads as the label says."""

    NO_CRITICAL_TICKETS = "no_critical", "No critical ticket opened in the last N days"
    SLA_ATTAINMENT = "sla_attainment", "SLA clocks met over 30 days, at least N %"
    BACKLOG = "backlog", "Open tickets, at most N"
    NO_OPEN_ESCALATION = "no_escalation", "Open customer escalations, at most N"
    HANDOVER_SIGNED = "handover_signed", "Handover record signed by both sides"
    ACTIVE_USERS = "active_users", "Users signed in within 30 days, at least N %"
    RECURRING_COVERED = (
        "recurring_covered",
        "The top N recurring issues of 30 days each have an article or a problem",
    )


class GateEventKind(models.TextChoices):
    """Changes to a set of exit gates."""

    CHANGED = "changed", "Changed the gates"
    BACK_TO_DEFAULTS = "back_to_defaults", "Went back to the default set"

from django.db import models


class ClockState(models.TextChoices):
    """Where one SLA clock (first response or resolution) of a ticket stands."""

    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    MET = "met", "Met"
    BREACHED = "breached", "Breached"
    NEXT_RELEASE = "next_release", "Next release"
    NO_TARGET = "no_target", "No target"


# The states in which a clock still has a deadline ahead of it.
OPEN_CLOCK_STATES = frozenset({ClockState.RUNNING, ClockState.PAUSED, ClockState.NEXT_RELEASE})


class SlaEventKind(models.TextChoices):
    """The SLA engine's events on a ticket's timeline: internal, for support staff."""

    SLA_WARNING = "sla_warning", "SLA warning"
    SLA_BREACHED = "sla_breached", "SLA breached"

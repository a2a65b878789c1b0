from django.db import models


class ProblemStatus(models.TextChoices):
    """Where the search for a root cause stands (seed 001)."""

    NEW = "new", "New"
    INVESTIGATING = "investigating", "Investigating"
    KNOWN_ERROR = "known_error", "Known error"
    FIX_PLANNED = "fix_planned", "Fix planned"
    RESOLVED = "resolved", "Resolved"


# Fix planned is entered only by planning the fix for a release, and resolved also by
# shipping it; a resolved problem that recurs is investigated again.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    ProblemStatus.NEW: frozenset(
        {ProblemStatus.INVESTIGATING, ProblemStatus.KNOWN_ERROR, ProblemStatus.RESOLVED}
    ),
    ProblemStatus.INVESTIGATING: frozenset({ProblemStatus.KNOWN_ERROR, ProblemStatus.RESOLVED}),
    ProblemStatus.KNOWN_ERROR: frozenset({ProblemStatus.INVESTIGATING, ProblemStatus.RESOLVED}),
    ProblemStatus.FIX_PLANNED: frozenset(
        {ProblemStatus.INVESTIGATING, ProblemStatus.KNOWN_ERROR, ProblemStatus.RESOLVED}
    ),
    ProblemStatus.RESOLVED: frozenset({ProblemStatus.INVESTIGATING}),
}


class ProblemEventKind(models.TextChoices):
    """A problem's own history."""

    CREATED = "created", "Created"
    CHANGED = "changed", "Details changed"
    STATUS_CHANGED = "status_changed", "Status changed"
    TICKET_LINKED = "ticket_linked", "Ticket linked"
    TICKET_UNLINKED = "ticket_unlinked", "Ticket unlinked"
    INCIDENT_LINKED = "incident_linked", "Major incident linked"
    INCIDENT_UNLINKED = "incident_unlinked", "Major incident unlinked"
    WORKAROUND_PUBLISHED = "workaround_published", "Workaround published"
    FIX_PLANNED = "fix_planned", "Fix planned for a release"
    FIX_SHIPPED = "fix_shipped", "Fix shipped"


class ProblemTicketEventKind(models.TextChoices):
    """A problem's steps on its tickets' timelines. Linking is internal: the requester
    side never learns of problems; the workaround and the shipped fix reach them."""

    PROBLEM_LINKED = "problem_linked", "Linked to a problem"
    PROBLEM_UNLINKED = "problem_unlinked", "Unlinked from a problem"
    WORKAROUND_POSTED = "workaround_posted", "Workaround posted"
    PROBLEM_FIX_SHIPPED = "problem_fix_shipped", "Fix shipped with a problem's release"

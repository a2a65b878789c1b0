"""Ticket vocabularies, the ITIL priority matrix and the allowed status transitions."""

from django.db import models


class Category(models.TextChoices):
    QUESTION = "question", "Question"
    CONFIGURATION = "configuration", "Configuration"
    DATA_CORRECTION = "data_correction", "Data correction"
    INTEGRATION = "integration", "Integration"
    INCIDENT = "incident", "Incident"
    ACCESS = "access", "Access"
    ENHANCEMENT = "enhancement", "Enhancement"


class Level(models.TextChoices):
    """Impact and urgency are both rated on this scale."""

    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Priority(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


PRIORITY_ORDER: tuple[str, ...] = (
    Priority.CRITICAL,
    Priority.HIGH,
    Priority.MEDIUM,
    Priority.LOW,
)

# ITIL: priority = impact x urgency.
PRIORITY_MATRIX: dict[tuple[str, str], str] = {
    (Level.HIGH, Level.HIGH): Priority.CRITICAL,
    (Level.HIGH, Level.MEDIUM): Priority.HIGH,
    (Level.HIGH, Level.LOW): Priority.MEDIUM,
    (Level.MEDIUM, Level.HIGH): Priority.HIGH,
    (Level.MEDIUM, Level.MEDIUM): Priority.MEDIUM,
    (Level.MEDIUM, Level.LOW): Priority.LOW,
    (Level.LOW, Level.HIGH): Priority.MEDIUM,
    (Level.LOW, Level.MEDIUM): Priority.LOW,
    (Level.LOW, Level.LOW): Priority.LOW,
}


def priority_for(*, impact: str, urgency: str) -> str:
    return PRIORITY_MATRIX[(impact, urgency)]


class Status(models.TextChoices):
    NEW = "new", "New"
    TRIAGED = "triaged", "Triaged"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING_ON_REQUESTER = "waiting_on_requester", "Waiting on requester"
    WAITING_ON_THIRD_PARTY = "waiting_on_third_party", "Waiting on third party"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = frozenset(set(Status) - {Status.RESOLVED, Status.CLOSED})

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {
            Status.TRIAGED,
            Status.IN_PROGRESS,
            Status.WAITING_ON_REQUESTER,
            Status.WAITING_ON_THIRD_PARTY,
            Status.RESOLVED,
        }
    ),
    Status.TRIAGED: frozenset(
        {
            Status.IN_PROGRESS,
            Status.WAITING_ON_REQUESTER,
            Status.WAITING_ON_THIRD_PARTY,
            Status.RESOLVED,
        }
    ),
    Status.IN_PROGRESS: frozenset(
        {Status.WAITING_ON_REQUESTER, Status.WAITING_ON_THIRD_PARTY, Status.RESOLVED}
    ),
    Status.WAITING_ON_REQUESTER: frozenset(
        {Status.IN_PROGRESS, Status.WAITING_ON_THIRD_PARTY, Status.RESOLVED}
    ),
    Status.WAITING_ON_THIRD_PARTY: frozenset(
        {Status.IN_PROGRESS, Status.WAITING_ON_REQUESTER, Status.RESOLVED}
    ),
    Status.RESOLVED: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


class Channel(models.TextChoices):
    PORTAL = "portal", "Portal"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    WALK_IN = "walk_in", "Walk-in"
    CHAT = "chat", "Chat"
    API = "api", "API"


# The channels an agent logs a ticket from on the desk's new-ticket page: the requester
# called, came by or wrote in a chat, and the agent types the request in for them.
DESK_CHANNELS: tuple[str, ...] = (Channel.PHONE, Channel.WALK_IN, Channel.CHAT)


class AffectedWorkflow(models.TextChoices):
    """The campus process the problem gets in the way of."""

    ADMISSIONS = "admissions", "Admissions"
    FEE_COLLECTION = "fee_collection", "Fee collection"
    EXAM_RESULTS = "exam_results", "Exam results"
    EXAM_SCHEDULING = "exam_scheduling", "Exam scheduling"
    PAYROLL_RUN = "payroll_run", "Payroll run"
    ATTENDANCE = "attendance", "Attendance"
    TIMETABLE = "timetable", "Timetable"
    PROCUREMENT = "procurement", "Procurement"
    FINANCIAL_CLOSE = "financial_close", "Financial close"
    LIBRARY_CIRCULATION = "library_circulation", "Library circulation"
    HOSTEL_ALLOCATION = "hostel_allocation", "Hostel allocation"
    TRANSPORT = "transport", "Transport"
    REPORTING = "reporting", "Reporting"
    OTHER = "other", "Other"


class EventKind(models.TextChoices):
    """The tickets app's own timeline events; other apps register theirs (``event_kinds``)."""

    CREATED = "created", "Created"
    PUBLIC_REPLY = "public_reply", "Public reply"
    INTERNAL_NOTE = "internal_note", "Internal note"
    STATUS_CHANGED = "status_changed", "Status changed"
    PRIORITY_CHANGED = "priority_changed", "Priority changed"
    CATEGORY_CHANGED = "category_changed", "Category changed"
    MODULE_CHANGED = "module_changed", "Module changed"
    ASSIGNED = "assigned", "Assignment changed"
    TEAM_CHANGED = "team_changed", "Team changed"
    TIER_CHANGED = "tier_changed", "Tier changed"
    ATTACHMENT_ADDED = "attachment_added", "Attachment added"
    REOPENED = "reopened", "Reopened"
    WATCHER_ADDED = "watcher_added", "Watcher added"
    WATCHER_REMOVED = "watcher_removed", "Watcher removed"


class QueueColumn(models.TextChoices):
    """The columns a queue can show, in the order a queue shows them unless a saved view
    picks and orders its own."""

    TICKET = "ticket", "Ticket"
    MODULE = "module", "Module"
    INSTITUTION = "institution", "Institution"
    STATUS = "status", "Status"
    PRIORITY = "priority", "Priority"
    TIER = "tier", "Tier"
    OWNER = "owner", "Owner"
    DUE = "due", "Due"
    UPDATED = "updated", "Updated"

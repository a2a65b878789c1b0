from django.db import models


class ChangeKind(models.TextChoices):
    CONFIGURATION = "configuration", "Configuration change"
    PATCH = "patch", "Patch"
    UPGRADE = "upgrade", "Upgrade"


class Risk(models.TextChoices):
    """A change's risk, low to high in this order (``RISK_ORDER``)."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


RISK_ORDER = (Risk.LOW, Risk.MEDIUM, Risk.HIGH)


class ChangeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    TESTED = "tested", "Tested"
    IMPLEMENTED = "implemented", "Implemented"
    ROLLED_BACK = "rolled_back", "Rolled back"
    CANCELLED = "cancelled", "Cancelled"


# Every status a change may be cancelled from: not once it is decided for good.
CANCELLABLE = frozenset(
    {
        ChangeStatus.DRAFT,
        ChangeStatus.AWAITING_APPROVAL,
        ChangeStatus.APPROVED,
        ChangeStatus.TESTED,
    }
)
# A change in these statuses no longer takes its window: it neither collides nor ships.
CLOSED_WITHOUT_WORK = frozenset({ChangeStatus.REJECTED, ChangeStatus.CANCELLED})


class ApproverRole(models.TextChoices):
    MODULE_OWNER = "module_owner", "Module owner"
    SUPPORT_MANAGER = "support_manager", "Support manager"


class Decision(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Outcome(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    ROLLED_BACK = "rolled_back", "Rolled back"


class ChangeEventKind(models.TextChoices):
    """A change's own history."""

    CREATED = "created", "Raised"
    CHANGED = "changed", "Details changed"
    SUBMITTED = "submitted", "Submitted for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    EVIDENCE = "evidence", "Test evidence recorded"
    IMPLEMENTED = "implemented", "Implemented"
    ROLLED_BACK = "rolled_back", "Rolled back"
    CANCELLED = "cancelled", "Cancelled"
    RELEASE_PLANNED = "release_planned", "Planned for a release"
    SHIPPED = "shipped", "Shipped in a release"
    TICKET_LINKED = "ticket_linked", "Ticket linked"
    TICKET_UNLINKED = "ticket_unlinked", "Ticket unlinked"
    PROBLEM_LINKED = "problem_linked", "Problem linked"
    PROBLEM_UNLINKED = "problem_unlinked", "Problem unlinked"


# Steps naming a linked ticket or problem: support staff read them; an institution's
# people read their own tickets' links on those tickets, never another institution's
# ticket reference nor a problem (support's only) in the change's history.
STAFF_ONLY_STEPS = frozenset(
    {
        ChangeEventKind.TICKET_LINKED,
        ChangeEventKind.TICKET_UNLINKED,
        ChangeEventKind.PROBLEM_LINKED,
        ChangeEventKind.PROBLEM_UNLINKED,
    }
)


class ChangeTicketEventKind(models.TextChoices):
    """A change's steps on its linked tickets' timelines, naming only the change's
    reference and status: public where the ticket's institution reads the change."""

    CHANGE_LINKED = "change_linked", "Linked to a change request"
    CHANGE_UNLINKED = "change_unlinked", "Unlinked from a change request"
    CHANGE_DECIDED = "change_decided", "Change request approved or rejected"
    CHANGE_TESTED = "change_tested", "Change request tested"
    CHANGE_DONE = "change_done", "Change request implemented or rolled back"

from django.db import models


class AccessAction(models.TextChoices):
    """What happens to a person's ERP role; the intake's answers use the same values."""

    ADD = "add", "Add access"
    CHANGE = "change", "Change access"
    REMOVE = "remove", "Remove access"


class RequestStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    DONE = "done", "Done in the ERP"


class ReviewAnswer(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    FLAGGED = "flagged", "Flagged"


# What a flagged review line asks for: the role taken away, or changed to another.
FLAG_ACTIONS = (AccessAction.REMOVE, AccessAction.CHANGE)


class AccessTicketEventKind(models.TextChoices):
    """An access request's steps on its ticket's timeline."""

    ACCESS_REQUESTED = "access_requested", "Access request recorded"
    ACCESS_APPROVED = "access_approved", "Access request approved"
    ACCESS_REJECTED = "access_rejected", "Access request rejected"
    ACCESS_DONE = "access_done", "Access change done in the ERP"
    ACCESS_ENDING = "access_ending", "Temporary access ending soon"
    ACCESS_REMOVAL_OPENED = "access_removal_opened", "Removal of ended access requested"

from django.db import models


class NotificationEvent(models.TextChoices):
    """What a notification is about; each has one editable template."""

    TICKET_RECEIVED = "ticket_received", "Ticket received (to the requester)"
    PUBLIC_REPLY = "public_reply", "Public reply (to the requester)"
    STATUS_CHANGED = "status_changed", "Status changed (to the requester)"
    TICKET_RESOLVED = "ticket_resolved", "Ticket resolved (to the requester)"
    TICKET_CLOSING = "ticket_closing", "Resolved ticket closing tomorrow (to the requester)"
    TICKET_ASSIGNED = "ticket_assigned", "Ticket assigned (to the agent)"
    SLA_WARNING = "sla_warning", "SLA warning (to assignee and team lead)"
    SLA_BREACH = "sla_breach", "SLA breach (to assignee, team lead, escalation managers)"
    ESCALATION_REQUESTED = "escalation_requested", "Escalation requested (to escalation managers)"
    ESCALATION_ASSIGNED = "escalation_assigned", "Escalation assigned (to its new manager)"
    ESCALATION_ACKNOWLEDGED = (
        "escalation_acknowledged",
        "Escalation being handled (to the requester)",
    )
    ESCALATION_UPDATE = "escalation_update", "Escalation update or plan (to the requester)"
    ESCALATION_UPDATE_MISSED = (
        "escalation_update_missed",
        "Escalation update missed (to its manager and support leads)",
    )
    ESCALATION_LEVEL_RAISED = "escalation_level_raised", "Escalation level raised (to managers)"
    DE_ESCALATED = "de_escalated", "De-escalated (to the requester)"
    ESCALATION_DIGEST = "escalation_digest", "Daily escalation review (to escalation managers)"
    TICKET_SHIPPED = "ticket_shipped", "Fix shipped in a release (to the requester)"
    RELEASE_NOTES = "release_notes", "Release notes (to the admins of the institutions concerned)"
    MAIL_REFUSED = "mail_refused", "Mail refused as too large (to its sender)"
    TICKET_MERGED = "ticket_merged", "Duplicate merged into another ticket (to its requester)"
    INCIDENT_UPDATE = "incident_update", "Major incident update (to the requesters of its tickets)"
    INCIDENT_INSTITUTION_UPDATE = (
        "incident_institution_update",
        "Major incident update (to the admins of each affected institution)",
    )
    INCIDENT_UPDATE_MISSED = (
        "incident_update_missed",
        "Major incident update missed (to who declared it and the support managers)",
    )
    INCIDENT_RESOLVE_MISSED = (
        "incident_resolve_missed",
        "Major incident resolution target missed (to who declared it and the support managers)",
    )
    WORKAROUND_PUBLISHED = "workaround_published", "Workaround published (to the requester)"
    INTEGRATION_CONTACT_ASKED = (
        "integration_contact_asked",
        "Integration contact asked about a ticket (to the contact)",
    )
    IDEA_STATUS_CHANGED = (
        "idea_status_changed",
        "Product idea planned, declined or shipped (to the requester)",
    )
    CORRECTION_SIGN_OFF_REQUESTED = (
        "correction_sign_off_requested",
        "Data correction to sign off (to its data owner)",
    )
    CORRECTION_SIGN_OFF_DECIDED = (
        "correction_sign_off_decided",
        "Data correction signed off or refused (to the agent who owns the ticket)",
    )
    CORRECTION_APPLIED = "correction_applied", "Data correction applied (to the requester)"
    CORRECTION_NOT_RIGHT = (
        "correction_not_right",
        "Data correction not right (to the agent who owns the ticket)",
    )
    ACCESS_APPROVAL_REQUESTED = (
        "access_approval_requested",
        "Access request to approve (to the approval owners of its institution)",
    )
    ACCESS_REQUEST_DECIDED = (
        "access_request_decided",
        "Access request approved or rejected (to who asked and the agent of its ticket)",
    )
    ACCESS_ENDING = "access_ending", "Temporary access ending (to the agent or team of its ticket)"
    APPROVALS_DIGEST = (
        "approvals_digest",
        "Daily digest of pending approvals and sign-offs (to whoever they wait on)",
    )
    CHANGE_APPROVAL_REQUESTED = (
        "change_approval_requested",
        "Change request awaiting your approval (to its approvers)",
    )
    CHANGE_DECIDED = "change_decided", "Change request approved or rejected (to who raised it)"
    TRAINING_NOTE = (
        "training_note",
        "Training note (to the people of an institution in the ERP role it is for)",
    )
    SURVEY_REQUEST = "survey_request", "Satisfaction survey after a resolution (to the requester)"
    SURVEY_LOW_RATING = "survey_low_rating", "Low satisfaction rating (to the team's lead)"
    REVIEW_PACK = "review_pack", "Scheduled review pack (to the schedule's recipients)"
    INTERNAL_NOTE = "internal_note", "Internal note (to the support staff watching the ticket)"
    MENTIONED = "mentioned", "Mentioned in an internal note (to the staff member mentioned)"


class Channel(models.TextChoices):
    """How a person receives one event: a choice of the two ways a notification reaches them."""

    BOTH = "both", "Mail and in the desk"
    MAIL = "mail", "Mail only"
    IN_APP = "in_app", "In the desk only"
    NONE = "none", "Not at all"

    @classmethod
    def of(cls, *, email: bool, in_app: bool) -> "Channel":
        if email:
            return cls.BOTH if in_app else cls.MAIL
        return cls.IN_APP if in_app else cls.NONE

    @property
    def by_mail(self) -> bool:
        return self in (Channel.BOTH, Channel.MAIL)

    @property
    def in_app(self) -> bool:
        return self in (Channel.BOTH, Channel.IN_APP)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DEAD = "dead", "Dead letter"


# What an institution user can be sent: news of their own requests. The desk's staff can
# be sent any notification (a requester's reply reaches the agent who owns the ticket).
REQUESTER_EVENTS = frozenset(
    {
        NotificationEvent.TICKET_RECEIVED,
        NotificationEvent.PUBLIC_REPLY,
        NotificationEvent.STATUS_CHANGED,
        NotificationEvent.TICKET_RESOLVED,
        NotificationEvent.TICKET_CLOSING,
        NotificationEvent.ESCALATION_ACKNOWLEDGED,
        NotificationEvent.ESCALATION_UPDATE,
        NotificationEvent.DE_ESCALATED,
        NotificationEvent.TICKET_SHIPPED,
        NotificationEvent.TICKET_MERGED,
        NotificationEvent.INCIDENT_UPDATE,
        NotificationEvent.INCIDENT_INSTITUTION_UPDATE,
        NotificationEvent.RELEASE_NOTES,
        NotificationEvent.WORKAROUND_PUBLISHED,
        NotificationEvent.CORRECTION_SIGN_OFF_REQUESTED,
        NotificationEvent.CORRECTION_APPLIED,
        NotificationEvent.ACCESS_APPROVAL_REQUESTED,
        NotificationEvent.ACCESS_REQUEST_DECIDED,
        NotificationEvent.APPROVALS_DIGEST,
        NotificationEvent.CHANGE_APPROVAL_REQUESTED,
        NotificationEvent.TRAINING_NOTE,
        NotificationEvent.SURVEY_REQUEST,
        NotificationEvent.REVIEW_PACK,
    }
)

"""Access requests, the access-change ledger and the periodic access review (issue 13).

A request adds, changes or removes one ERP role of one person. The institution's
approval owner decides it; a tier 1 or 2 agent then records it done in the ERP, which
writes one line of the institution's ledger. The ledger is the record of who holds which
role: the periodic review lists it, person by person, for the institution admin.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from hypercare.access_requests.choices import AccessAction, RequestStatus, ReviewAnswer
from hypercare.lib import clock
from hypercare.lib.text import validate_single_line

if TYPE_CHECKING:
    from hypercare.accounts.models import User

REFERENCE_PREFIX = "AR-"
NAME_MAX = 120
ROLE_MAX = 120
COMMENT_MAX = 2000
DEFAULT_REVIEW_MONTHS = 3
REVIEW_MONTHS_RANGE = (1, 24)


def format_request_reference(pk: int) -> str:
    return f"{REFERENCE_PREFIX}{pk:05d}"


class Person(models.Model):
    """Whose access: a user of the institution when there is one, else a name and an
    ERP login (a member of staff who never signs in to the desk)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person_name = models.CharField(max_length=NAME_MAX, validators=[validate_single_line])
    erp_login = models.CharField(max_length=NAME_MAX, blank=True, validators=[validate_single_line])

    class Meta:
        abstract = True

    @property
    def person_key(self) -> str:
        """One person across requests and ledger lines: the user, else the ERP login."""
        if self.person_id is not None:
            return f"user:{self.person_id}"
        return f"login:{(self.erp_login or self.person_name).lower()}"

    @property
    def person_text(self) -> str:
        if self.erp_login:
            return f"{self.person_name} ({self.erp_login})"
        return self.person_name


class AccessRequest(Person):
    """One ERP role to add, change (from ``old_role``) or remove for one person.

    ``ticket`` is the access ticket it was recorded from; a removal of ended temporary
    access (``origin``) and a flagged review line open requests without one. Temporary
    access carries ``ends_on``; the reminder before it and the removal after it are
    claimed once each through ``end_reminded_at`` and ``removal_requested_at``.
    """

    institution = models.ForeignKey(
        "orgs.Institution", on_delete=models.PROTECT, related_name="access_requests"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_requests",
    )
    origin = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        help_text="The temporary grant this request removes once it has ended.",
    )
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    role = models.CharField(max_length=ROLE_MAX, validators=[validate_single_line])
    old_role = models.CharField(max_length=ROLE_MAX, blank=True, validators=[validate_single_line])
    effective_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Temporary access ends then.")
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.AWAITING_APPROVAL
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when Hypercare opened it (the removal of ended access).",
    )
    requested_at = models.DateTimeField(default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    end_reminded_at = models.DateTimeField(null=True, blank=True)
    removal_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One live request per access ticket; a rejected one may be asked again.
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(ticket__isnull=False) & ~Q(status=RequestStatus.REJECTED),
                name="access_request_one_per_ticket",
            ),
            models.CheckConstraint(
                condition=~Q(action=AccessAction.CHANGE) | ~Q(old_role=""),
                name="access_request_change_has_old_role",
            ),
        ]
        indexes = [
            models.Index(fields=["institution", "status"], name="access_request_status"),
            models.Index(
                fields=["ends_on"],
                condition=Q(status=RequestStatus.DONE, ends_on__isnull=False)
                & (Q(end_reminded_at__isnull=True) | Q(removal_requested_at__isnull=True)),
                name="access_request_temporary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_action_display()}: {self.role} for {self.person_text}"

    @property
    def reference(self) -> str:
        return format_request_reference(self.pk)

    @property
    def asked_by_id(self) -> int | None:
        """Who asked for the change: the requester of its access ticket (the institution's
        person the ticket is on behalf of, whoever filed or recorded it), else who recorded
        it (an institution admin flagging a review line); None when Hypercare opened it."""
        if self.ticket is not None:
            return self.ticket.requester_id
        return self.requested_by_id

    @property
    def asked_by(self) -> "User | None":
        """The person ``asked_by_id`` names (the ticket's requester, else who recorded it)."""
        if self.ticket is not None:
            return self.ticket.requester
        return self.requested_by

    @property
    def change_text(self) -> str:
        """What changes, in a few words: "Fee clerk → Fee supervisor"."""
        if self.action == AccessAction.CHANGE:
            return f"{self.old_role} → {self.role}"
        return self.role


class LedgerEntry(Person):
    """One line of the institution's access-change ledger, written once when a request is
    recorded done in the ERP: who asked (``requested_by``, the institution's person, see
    ``AccessRequest.asked_by_id``) and who recorded the request for them, who approved,
    what changed, when it was done and when temporary access ends. Lines are never changed
    or removed."""

    institution = models.ForeignKey(
        "orgs.Institution", on_delete=models.PROTECT, related_name="access_ledger"
    )
    access_request = models.OneToOneField(
        AccessRequest, on_delete=models.PROTECT, related_name="ledger_entry"
    )
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    role = models.CharField(max_length=ROLE_MAX)
    old_role = models.CharField(max_length=ROLE_MAX, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who asked: the access ticket's requester; empty when Hypercare opened it.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who keyed the request in; empty when Hypercare opened it.",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField()
    effective_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-done_at", "-pk"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["institution", "done_at"], name="ledger_institution_done")]

    def __str__(self) -> str:
        return f"{self.institution}: {self.get_action_display()} {self.role} for {self.person_text}"


class ReviewSchedule(models.Model):
    """How often an institution reviews who holds which ERP role (quarterly without a
    row), and who set it when."""

    institution = models.OneToOneField(
        "orgs.Institution", on_delete=models.CASCADE, related_name="access_review_schedule"
    )
    months_between_reviews = models.PositiveSmallIntegerField(default=DEFAULT_REVIEW_MONTHS)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    months_between_reviews__gte=REVIEW_MONTHS_RANGE[0],
                    months_between_reviews__lte=REVIEW_MONTHS_RANGE[1],
                ),
                name="review_schedule_months_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution}: every {self.months_between_reviews} months"


class AccessReview(models.Model):
    """One periodic review of an institution's current ERP roles, as the ledger records
    them; closed once the institution admin has answered every line."""

    institution = models.ForeignKey(
        "orgs.Institution", on_delete=models.PROTECT, related_name="access_reviews"
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            # Two workers opening the same due review: the second insert fails.
            models.UniqueConstraint(
                fields=["institution"],
                condition=Q(closed_at__isnull=True),
                name="access_review_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"Access review of {self.institution} opened {self.opened_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ReviewLine(Person):
    """One person's one current role in a review, and the admin's answer to it. A flagged
    line opens an access request (``access_request``) to remove or change the role."""

    review = models.ForeignKey(AccessReview, on_delete=models.CASCADE, related_name="lines")
    role = models.CharField(max_length=ROLE_MAX)
    answer = models.CharField(max_length=10, choices=ReviewAnswer.choices, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    access_request = models.OneToOneField(
        AccessRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_line",
    )

    class Meta:
        ordering = ["person_name", "role", "pk"]

    def __str__(self) -> str:
        return f"{self.person_text}: {self.role}"


class ApprovalDigest(models.Model):
    """One person's digest of a day's pending approvals; the unique pair makes sending it
    a claim. It began as the approval owners' digest and kept its table here; the
    approvals app (``approvals.services``) sends it, listing every kind that waits."""

    day = models.DateField()
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField()
    pending = models.PositiveIntegerField()

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["day", "approver"], name="approval_digest_once"),
        ]

    def __str__(self) -> str:
        return f"Approval digest {self.day} for {self.approver}"

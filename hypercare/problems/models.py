"""Problems: the root cause behind recurring incidents, and what is known about it (seed 001).

Only support staff see problems (``access.problem_scope``): one problem gathers tickets
of several institutions, and its analysis may name any of them. The requester side
learns only what is posted on their own ticket: the workaround and the shipped fix.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from hypercare.lib import clock
from hypercare.lib.text import validate_single_line
from hypercare.problems.choices import ProblemEventKind, ProblemStatus

REFERENCE_PREFIX = "PRB-"
TITLE_MAX = 200
NAME_MAX = 120


def format_problem_reference(pk: int) -> str:
    return f"{REFERENCE_PREFIX}{pk:05d}"


class Problem(models.Model):
    """One problem with its analysis, its owner and its fix.

    The owner is a tier 3 engineer (``owner``) or someone at a vendor
    (``vendor_contact_name`` and ``_email``), never both. A problem becomes a known error
    once its root cause and workaround are written down (``known_error_at``), and stays
    one in the known-error list until it is resolved.
    """

    title = models.CharField(max_length=TITLE_MAX, validators=[validate_single_line])
    status = models.CharField(
        max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.NEW
    )
    modules = models.ManyToManyField("orgs.Module", blank=True, related_name="problems")
    integrations = models.ManyToManyField("orgs.Integration", blank=True, related_name="problems")
    root_cause = models.TextField(blank=True, help_text="The root-cause analysis.")
    workaround = models.TextField(
        blank=True, help_text="What requesters can do meanwhile; published to them as written."
    )
    workaround_published_at = models.DateTimeField(null=True, blank=True)
    known_error_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was first recorded as a known error."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_problems",
    )
    vendor_contact_name = models.CharField(
        max_length=NAME_MAX, blank=True, validators=[validate_single_line]
    )
    vendor_contact_email = models.EmailField(blank=True)
    release = models.ForeignKey(
        "releases.Release",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
        help_text="The release the fix ships in.",
    )
    incidents = models.ManyToManyField(
        "incidents.MajorIncident",
        blank=True,
        related_name="problems",
        help_text="The major incidents it caused: a recurring cause is behind several.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(default=clock.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(vendor_contact_name=""),
                name="problem_one_owner",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProblemStatus.FIX_PLANNED) | Q(release__isnull=False),
                name="problem_fix_planned_has_release",
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="problem_status")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return format_problem_reference(self.pk)

    @property
    def is_known_error(self) -> bool:
        return self.known_error_at is not None

    @property
    def owner_text(self) -> str:
        if self.owner is not None:
            return self.owner.display_name
        if self.vendor_contact_name:
            return f"{self.vendor_contact_name} <{self.vendor_contact_email}>"
        return ""


class ProblemLink(models.Model):
    """A ticket linked to a problem. ``workaround_posted`` is the workaround text last
    posted to the ticket's requester, so publishing the same text again posts nothing."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="links")
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="problem_links"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField()
    workaround_posted = models.TextField(blank=True)

    class Meta:
        ordering = ["ticket_id"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "ticket"], name="problem_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.problem.reference} ↔ ticket {self.ticket_id}"


class ProblemEvent(models.Model):
    """One step in a problem's history, oldest first. The services only ever add steps."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=ProblemEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.problem.reference}: {self.get_kind_display()}"

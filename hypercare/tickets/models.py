"""Tickets, their append-only timeline, attachments and routing rules."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from hypercare.lib.append_only import AppendOnly, AppendOnlyQuerySet
from hypercare.lib.text import validate_single_line
from hypercare.orgs.choices import ModuleCode, Tier
from hypercare.sla.choices import ClockState
from hypercare.tickets import event_kinds
from hypercare.tickets.choices import (
    AffectedWorkflow,
    Category,
    Channel,
    Level,
    Priority,
    Status,
)
from hypercare.tickets.titles import TITLE_KEY_MAX, title_key

REFERENCE_PREFIX = "HC-"
# What the dashboards narrow on, and the key they count (``Count("pk")``), which an
# index must hold too for the count to be read from it alone.
REPORT_COLUMNS = ("institution", "module", "category", "team")


def format_reference(pk: int) -> str:
    return f"{REFERENCE_PREFIX}{pk:06d}"


class Ticket(models.Model):
    """One request from an institution, from intake to closure.

    The reference shown to people (``HC-000123``) is the primary key formatted, so it is
    unique across the desk and needs no second write at creation.
    """

    # The foreign keys marked db_index=False lead a composite index in Meta.indexes,
    # which serves their lookups too: a second index would only slow every write.
    institution = models.ForeignKey(
        "orgs.Institution", on_delete=models.PROTECT, related_name="tickets", db_index=False
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="requested_tickets",
        db_index=False,
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_tickets"
    )
    requester_erp_role = models.CharField(max_length=120, blank=True)
    module = models.ForeignKey("orgs.Module", on_delete=models.PROTECT, related_name="tickets")
    category = models.CharField(max_length=20, choices=Category.choices)
    title = models.CharField(max_length=200, validators=[validate_single_line])
    # Derived from the title by save() (see titles.title_key); the recurring issues
    # report groups a period's tickets by it.
    title_key = models.CharField(max_length=TITLE_KEY_MAX, blank=True, editable=False)
    description = models.TextField()
    action_attempted = models.TextField(blank=True)
    error_seen = models.TextField(blank=True)
    affected_workflow = models.CharField(
        max_length=30, choices=AffectedWorkflow.choices, default=AffectedWorkflow.OTHER
    )
    operational_impact = models.TextField(blank=True)
    urgency = models.CharField(max_length=10, choices=Level.choices, default=Level.MEDIUM)
    impact = models.CharField(max_length=10, choices=Level.choices, default=Level.MEDIUM)
    priority = models.CharField(max_length=10, choices=Priority.choices)
    priority_overridden = models.BooleanField(
        default=False,
        help_text="An agent set the priority; impact and urgency no longer decide it.",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    category_details = models.JSONField(default=dict, blank=True)

    status = models.CharField(max_length=30, choices=Status.choices, default=Status.NEW)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.SERVICE_DESK)
    team = models.ForeignKey(
        "orgs.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
        db_index=False,
    )
    release = models.ForeignKey(
        "releases.Release",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        help_text="The release the ticket's fix ships in.",
    )

    # SLA clocks, planned by hypercare.sla.services from the ticket's own timeline. Due
    # times are stored so that finding breaches is an indexed query, not a timer.
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_response_state = models.CharField(
        max_length=20, choices=ClockState.choices, default=ClockState.NO_TARGET
    )
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    first_response_warn_at = models.DateTimeField(null=True, blank=True)
    first_response_warned_at = models.DateTimeField(null=True, blank=True)
    first_response_breached_at = models.DateTimeField(null=True, blank=True)
    resolution_state = models.CharField(
        max_length=20, choices=ClockState.choices, default=ClockState.NO_TARGET
    )
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True)
    resolution_warned_at = models.DateTimeField(null=True, blank=True)
    resolution_breached_at = models.DateTimeField(null=True, blank=True)
    sla_paused_minutes = models.FloatField(
        default=0, help_text="Business minutes the resolution clock has been paused."
    )

    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["team", "status", "created_at"], name="ticket_team_status"),
            models.Index(
                fields=["assignee", "status", "created_at"], name="ticket_assignee_status"
            ),
            models.Index(
                fields=["institution", "status", "created_at"], name="ticket_institution_status"
            ),
            models.Index(fields=["requester", "created_at"], name="ticket_requester"),
            models.Index(fields=["status", "created_at"], name="ticket_status"),
            # Queues sort by priority, then age: with priority in the index, the page's
            # keys are sorted from the index alone (selectors.ticket_page).
            models.Index(
                fields=["team", "status", "priority", "created_at"], name="ticket_team_queue"
            ),
            models.Index(fields=["status", "priority", "created_at"], name="ticket_status_queue"),
            # The dashboards count the tickets opened, first answered or resolved in a
            # period, and the open ones, narrowed and grouped by the columns below: with
            # every column such a count reads in its index, PostgreSQL counts from the
            # index alone instead of reading a million tickets' rows (bench.reports).
            # Created on PostgreSQL only (migration 0015): on SQLite they cost every
            # ticket write more than they save a small desk's dashboards.
            models.Index(
                fields=[
                    "created_at",
                    *REPORT_COLUMNS,
                    "tier",
                    "channel",
                    "priority",
                    "status",
                    "first_response_state",
                    "first_response_due_at",
                    "resolution_state",
                    "resolution_due_at",
                    "id",
                ],
                name="ticket_report_opened",
            ),
            models.Index(
                fields=["first_responded_at", "created_at", *REPORT_COLUMNS, "id"],
                name="ticket_report_responded",
            ),
            models.Index(
                fields=["resolved_at", "created_at", *REPORT_COLUMNS, "id"],
                name="ticket_report_resolved",
            ),
            # The open tickets by age, and the desk's queue tabs (mine, my teams',
            # unassigned, all) counted over them.
            models.Index(
                fields=["status", "created_at", *REPORT_COLUMNS, "assignee", "id"],
                name="ticket_report_backlog",
            ),
            # The recurring issues report groups a period's tickets by module, category
            # and title key from this index alone (PostgreSQL only, migration 0016, as
            # the dashboards' own above), then reads the largest groups' tickets back by
            # their key from the next, again from the index alone.
            models.Index(
                fields=["created_at", *REPORT_COLUMNS, "title_key", "id"],
                name="ticket_report_recurring",
            ),
            models.Index(
                fields=["title_key", "created_at", *REPORT_COLUMNS, "id"],
                name="ticket_title_key",
            ),
            # The reports' day_counts job finds the tickets changed since its last run
            # (stamped, or a breach the SLA sweep recorded) and the earliest opening
            # among them, every 5 minutes: from these, not by reading every ticket.
            models.Index(fields=["updated_at", "created_at"], name="ticket_changed"),
            models.Index(
                fields=["first_response_breached_at", "created_at"],
                condition=Q(first_response_breached_at__isnull=False),
                name="ticket_fr_breached",
            ),
            models.Index(
                fields=["resolution_breached_at", "created_at"],
                condition=Q(resolution_breached_at__isnull=False),
                name="ticket_res_breached",
            ),
            models.Index(
                fields=["first_response_due_at"],
                condition=Q(first_response_state=ClockState.RUNNING),
                name="ticket_fr_due",
            ),
            models.Index(
                fields=["first_response_warn_at"],
                condition=Q(first_response_state=ClockState.RUNNING),
                name="ticket_fr_warn",
            ),
            models.Index(
                fields=["resolution_due_at"],
                condition=Q(resolution_state=ClockState.RUNNING),
                name="ticket_res_due",
            ),
            models.Index(
                fields=["resolution_warn_at"],
                condition=Q(resolution_state=ClockState.RUNNING),
                name="ticket_res_warn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saves the ticket with its title's key, derived here so that no write of a
        title can leave the key behind (bulk writes, which skip save(), set it too)."""
        self.title_key = title_key(self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:
            kwargs["update_fields"] = [*update_fields, "title_key"]
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        return format_reference(self.pk)


class Participant(models.Model):
    """A watcher: someone besides the requester who follows a ticket. They see it, reply
    to it and get its public notifications, like the requester; support staff watching
    also get its internal notes. A person of the ticket's institution or support staff
    (``access.watcher_candidates``; ``access.ticket_scope`` asks the institution too), so
    watching never crosses institutions. Added on the ticket's watchers panel, from the
    people copied on its mail, and when a duplicate is merged into the ticket (its
    requester follows the survivor).
    """

    # The unique constraint leads with the ticket and serves its lookups.
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="participants", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="participant_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.ticket_id}"


class TicketEvent(AppendOnly):
    """One entry on a ticket's timeline: who did what, when, from what to what."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=30, choices=event_kinds.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the desk itself acted (a rule or a job).",
    )
    created_at = models.DateTimeField()
    is_internal = models.BooleanField(default=False)
    body = models.TextField(blank=True)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)

    objects = AppendOnlyQuerySet["TicketEvent"].as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_time")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} @ {self.created_at:%Y-%m-%d %H:%M}"


class HandOver(models.Model):
    """The structured note that goes with a ticket moving up a tier (functional escalation).

    The next tier starts from what the last one learnt instead of from the beginning.
    Kept with the tier-change event it explains and, like the timeline, never changed.
    """

    event = models.OneToOneField(TicketEvent, on_delete=models.PROTECT, related_name="handover")
    tried = models.TextField(help_text="What was tried.")
    findings = models.TextField(help_text="What was found.")
    needed = models.TextField(help_text="What is needed from the next tier.")

    def __str__(self) -> str:
        return f"Hand-over for {self.event}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("Hand-over notes are kept as written")
        super().save(*args, **kwargs)


class Attachment(models.Model):
    """A file added to a ticket, kept outside the web root and served after an access check."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(
        TicketEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    original_name = models.CharField(max_length=255, validators=[validate_single_line])
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=100, unique=True)
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    removed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When an institution's retention removed the file; the row stays as a "
        "tombstone so the timeline still says a file was there.",
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/") and self.removed_at is None


class PendingUpload(models.Model):
    """A file checked and stored for a form that has not been sent yet.

    It keeps a chosen screenshot across a failed submit: the form names it again, and
    the service that sends the form turns it into an attachment in its own transaction.
    Only its owner, in the session that uploaded it, may see or use it; the clean-up job
    removes those left behind.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40)
    original_name = models.CharField(max_length=255, validators=[validate_single_line])
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class RoutingRule(models.Model):
    """Names the team a ticket goes to at a tier. Empty criteria match anything.

    The most specific matching rule wins (the most criteria set), then the lowest position.
    New tickets follow the rules marked ``for_new_tickets``; a move to another tier follows
    every rule for that tier, so a rule per tier says whose queue a ticket reaches when it
    goes up (a Payroll ticket to HR & Payroll at tier 2) without sending new tickets there.
    """

    position = models.PositiveIntegerField(default=100)
    institution = models.ForeignKey(
        "orgs.Institution", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    module_code = models.CharField(max_length=30, choices=ModuleCode.choices, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    team = models.ForeignKey("orgs.Team", on_delete=models.CASCADE, related_name="routing_rules")
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.SERVICE_DESK)
    for_new_tickets = models.BooleanField(
        "routes new tickets",
        default=True,
        help_text="Unticked, the rule only names the team a ticket goes to when it is moved "
        "to this tier.",
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        criteria = [
            str(value) for value in (self.institution, self.module_code, self.category) if value
        ]
        return f"{' + '.join(criteria) or 'anything'} → {self.team} (tier {self.tier})"


class SavedReply(models.Model):
    """A team's canned answer, with placeholders filled from the ticket when inserted.

    Placeholders are written ``{{requester_name}}``, ``{{reference}}`` and so on; the text
    is only a starting point that the agent edits before sending.
    """

    team = models.ForeignKey("orgs.Team", on_delete=models.CASCADE, related_name="saved_replies")
    title = models.CharField(max_length=120, validators=[validate_single_line])
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["team__name", "title"]
        constraints = [
            models.UniqueConstraint(fields=["team", "title"], name="saved_reply_unique_title"),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.title}"


class SavedView(models.Model):
    """A queue kept under a name: its filters as the queue's address carries them, its sort
    and the columns it shows, in order.

    Personal (a tab of its owner's queue page) or shared with a team (a tab of each of the
    team's members and its lead). The query is the same string the queue page parses, so
    a filter the queue learns works in every saved view without a migration.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    team = models.ForeignKey(
        "orgs.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=60, validators=[validate_single_line])
    query = models.CharField(max_length=2000, blank=True)
    sort = models.CharField(max_length=20)
    columns = models.JSONField(default=list)
    # The tab's place among the tabs; ties fall back on age.
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


# A ticket page beats every few seconds; a person missing for this long has left.
PRESENCE_TTL = timedelta(seconds=30)
# "Is replying" lasts this long after the reply box's last keystroke the page told of.
REPLYING_TTL = timedelta(seconds=15)


class Presence(models.Model):
    """A staff member with a ticket open: the page's heartbeat keeps the row fresh, and a
    row older than ``PRESENCE_TTL`` is nobody there. Kept in the database, so every
    server process, and the embedded mode's single one, sees the same people."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()
    # The last keystroke in the reply box the page told of; empty while only reading.
    replying_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="presence_one_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.ticket_id}"


# The longest a reply or note can have taken: a whole day, in minutes.
MAX_MINUTES = 24 * 60


class TimeEntry(AppendOnly):
    """The minutes a person of support spent on a ticket, written with the reply or
    note they entered it on. Like the timeline it belongs to, it is never changed."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="time_entries")
    event = models.OneToOneField(TicketEvent, on_delete=models.PROTECT, related_name="time_entry")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveSmallIntegerField()
    at = models.DateTimeField()

    objects = AppendOnlyQuerySet["TimeEntry"].as_manager()

    class Meta:
        verbose_name_plural = "time entries"
        ordering = ["at", "pk"]
        # The time spent report sums a period's entries.
        indexes = [models.Index(fields=["at"], name="time_entry_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=MAX_MINUTES),
                name="time_entry_minutes_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.person_id} {self.minutes} min"

"""Review packs: the dashboards' figures of one period frozen into HTML, PDF and XLSX
files, with a support manager's post-live review notes, and the schedules that mail them."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from hypercare.reports.choices import PackKind, PackStatus, Weekday


class PackSchedule(models.Model):
    """A pack kind mailed to named people: each week, or on the first chosen weekday of
    each month (monthly review) or quarter (business review), at a time of day in the
    institution's time zone (the desk's for all institutions). ``next_run_at`` is the
    due job's claim: a worker moves it on with a conditional update before building, so
    two workers never send one run twice."""

    kind = models.CharField(max_length=10, choices=PackKind.choices)
    institution = models.ForeignKey(
        "orgs.Institution",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: all institutions.",
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    at = models.TimeField(help_text="In the institution's time zone.")
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    is_active = models.BooleanField(default=True)
    next_run_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "pk"]
        indexes = [
            models.Index(
                fields=["next_run_at"], condition=Q(is_active=True), name="pack_schedule_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.institution or 'All institutions'}"


class ReviewPack(models.Model):
    """One pack: asked for by a person (or a schedule, in its author's name), built by a
    worker, which claims it by moving it from queued to building. ``content`` is the
    sections' rows as computed, so the files can be drawn again (after the notes change)
    without computing the figures anew. The files live beside the attachments."""

    kind = models.CharField(max_length=10, choices=PackKind.choices)
    institution = models.ForeignKey(
        "orgs.Institution",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: all institutions.",
    )
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    schedule = models.ForeignKey(
        PackSchedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="packs"
    )
    status = models.CharField(max_length=10, choices=PackStatus.choices, default=PackStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent built.")
    step = models.CharField(max_length=100, blank=True, help_text="What is being built.")
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    content = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="Post-live review notes.")
    notes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes_at = models.DateTimeField(null=True, blank=True)
    html_name = models.CharField(max_length=100, blank=True)
    pdf_name = models.CharField(max_length=100, blank=True)
    xlsx_name = models.CharField(max_length=100, blank=True)
    sent_to = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(
                fields=["requested_at"],
                condition=Q(status__in=[PackStatus.QUEUED, PackStatus.BUILDING]),
                name="review_pack_to_build",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.institution or 'All institutions'}"

    @property
    def last_day(self) -> datetime | None:
        """The period's last day (its end is the midnight after it, left out)."""
        return None if self.period_end is None else self.period_end - timedelta(days=1)

    @property
    def scope_label(self) -> str:
        return self.institution.name if self.institution else "All institutions"

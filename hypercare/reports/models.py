"""Review packs: the dashboards' figures of one period frozen into HTML, PDF and XLSX
files, with a support manager's post-live review notes, and the schedules that mail them."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from hypercare.orgs.choices import Tier
from hypercare.reports.choices import PackKind, PackStatus, Weekday
from hypercare.tickets.choices import PRIORITY_ORDER, Category, Channel


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


class DayCounts(models.Model):
    """The dashboards' counts of one complete local day, in one time zone, of the tickets
    of one institution, module, category and team: a period's figures are these rows
    added up, so a year's dashboard reads a few hundred thousand rows, not a million
    tickets' index entries twice over. ``reports.daycounts`` writes them from the tickets
    and keeps them true; the count columns (``COUNT_COLUMNS``) are added below.

    A day is counted by when each moment fell: ``opened`` and the columns that split the
    opened tickets (per priority and SLA clock, tier, channel) on the day the ticket was
    opened; ``resolved`` on the day of the resolution (the times' percentiles are read
    from the tickets: a median cannot be added up). A clock is counted met or breached
    as recorded; a clock still running past its due time is breached only as of the
    reading, so the dashboard counts those live.

    Each day has its rows twice: per category, and (``category`` empty) added up over
    the categories, with the tickets opened per category in columns. A dashboard not
    narrowed to one category adds up the latter, about a third as many rows.

    Each complete local week (Monday to Sunday) has its rows a third time, ``span``
    "week" and ``day`` its Monday: its days' rows added up, about a sixth as many, which
    a dashboard of weeks reads instead of the days'."""

    time_zone = models.CharField(max_length=64)
    # "week": the row adds up the seven days from its Monday (see the class's docstring).
    span = models.CharField(max_length=4, default="day", db_default="day")
    day = models.DateField()
    institution = models.ForeignKey(
        "orgs.Institution", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    module = models.ForeignKey(
        "orgs.Module", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Empty: the row adds up every category (see the class's docstring).
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    team = models.ForeignKey(
        "orgs.Team", null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        indexes = [
            # A period's rows of one kind (days or weeks; one category's, or all categories').
            models.Index(
                fields=["time_zone", "span", "category", "day"], name="day_counts_span_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.time_zone} {self.day}"


# The counts of a DayCounts row: the tickets opened and resolved that day;
# of those opened, each priority's clocks met and recorded breached, and each tier,
# channel and category. Declared as a list so the counting SQL and the sums name the same columns.
CLOCK_NAMES = ("first_response", "resolution")
COUNT_COLUMNS: tuple[str, ...] = (
    "opened",
    "resolved",
    *(
        f"{priority}_{clock}_{standing}"
        for priority in PRIORITY_ORDER
        for clock in CLOCK_NAMES
        for standing in ("met", "breached")
    ),
    *(f"tier_{tier}" for tier in Tier.values),
    *(f"channel_{channel}" for channel in Channel.values),
    *(f"category_{category}" for category in Category.values),
)
for _column in COUNT_COLUMNS:
    DayCounts.add_to_class(_column, models.PositiveIntegerField(default=0))


class DayCountsZone(models.Model):
    """How far one time zone's ``DayCounts`` reach: every local day up to
    ``counted_through`` is counted (none yet when empty), from the tickets as they were
    at ``checked_at``."""

    time_zone = models.CharField(max_length=64, unique=True)
    counted_through = models.DateField(null=True, blank=True)
    checked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.time_zone} through {self.counted_through}"


class TimeBins(models.Model):
    """How many first responses (or resolutions) of one local day, or of one complete
    local week from Monday, in one time zone, took a time within one bin: the bins are
    1 % wide (``reports.timebins``), so the median and 90th percentile of a year of
    tickets are read from summed bins instead of sorting a million times.

    A row counts the times of one slice of the tickets: all of them (``slice`` empty),
    one institution's (``institution`` set), or one module's across the institutions
    (``value`` the module's code). Rows of all institutions or of one module leave
    ``institution`` empty, so an institution's admin, whose scope is their institution,
    never adds them up. Week rows are kept for every complete week; day rows only for
    the days of the current week, which a dashboard of weeks reads."""

    time_zone = models.CharField(max_length=64)
    span = models.CharField(max_length=4, help_text="day or week (from Monday)")
    day = models.DateField(help_text="The day, or the week's Monday.")
    slice = models.CharField(max_length=12, blank=True)
    value = models.CharField(max_length=20, blank=True)
    institution = models.ForeignKey(
        "orgs.Institution",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    measure = models.CharField(max_length=20)
    bin = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # One slice's rows of a period.
            models.Index(
                fields=["time_zone", "span", "slice", "value", "institution", "day"],
                name="time_bins_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.time_zone} {self.span} {self.day} {self.measure} {self.bin}"


class TitleCounts(models.Model):
    """How many tickets opened since the snapshot's ``since`` each title group held when
    it was taken (``TitleCountsSnapshot``), per institution, module, category and team:
    upper bounds that let the recurring issues report over a long period count only its
    largest groups' tickets exactly (``reports.titlecounts``) instead of every ticket's.

    Each group has its rows twice: per institution and team, and (``overall``) added up
    over every institution and team, about a fifteenth as many, which a reader of every
    institution narrowed to neither reads.

    The rows are not the report's figures: they go stale as tickets change, and the
    report adds the tickets opened or changed since the snapshot to keep them bounds."""

    overall = models.BooleanField(default=False)
    institution = models.ForeignKey(
        "orgs.Institution", null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    team = models.ForeignKey(
        "orgs.Team", null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    module_code = models.CharField(max_length=30)
    category = models.CharField(max_length=20, choices=Category.choices)
    title_key = models.CharField(max_length=200)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # The overall rows, or one institution's.
            models.Index(fields=["overall", "institution"], name="title_counts_reader"),
        ]

    def __str__(self) -> str:
        return f"{self.title_key} ×{self.count}"


class TitleCountsSnapshot(models.Model):
    """When ``TitleCounts`` were counted (``counted_at``), and from which opening
    (``since``). One row; none before the first count."""

    counted_at = models.DateTimeField()
    since = models.DateTimeField()

    def __str__(self) -> str:
        return f"since {self.since:%Y-%m-%d} at {self.counted_at:%Y-%m-%d %H:%M}"

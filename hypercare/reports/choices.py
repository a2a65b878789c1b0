from django.db import models


class PackKind(models.TextChoices):
    """A review pack's kind: how long a period it covers, which sections it holds and how
    often a schedule sends it."""

    WEEKLY = "weekly", "Weekly check"
    MONTHLY = "monthly", "Monthly review"
    QUARTERLY = "quarterly", "Quarterly business review"


class PackStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class PackFormat(models.TextChoices):
    HTML = "html", "HTML"
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


# The dashboards' period each kind covers (``reports.selectors.PERIODS``).
PACK_PERIODS = {PackKind.WEEKLY: "7d", PackKind.MONTHLY: "30d", PackKind.QUARTERLY: "12w"}
# How many months apart a schedule sends each kind (0: every week).
PACK_MONTHS_APART = {PackKind.WEEKLY: 0, PackKind.MONTHLY: 1, PackKind.QUARTERLY: 3}

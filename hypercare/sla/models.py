"""SLA policies, their targets per priority, and the business calendars they count in."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from hypercare.lib.text import validate_single_line
from hypercare.orgs.models import validate_time_zone
from hypercare.sla.business_time import (
    WEEKDAY_KEYS,
    BusinessCalendar,
    parse_working_hours,
    public_holidays,
)
from hypercare.tickets.choices import Priority


def default_working_hours() -> dict[str, list[list[str]]]:
    office = [["09:00", "17:30"]]
    return {key: office if key not in ("sat", "sun") else [] for key in WEEKDAY_KEYS}


class Calendar(models.Model):
    """Working hours per weekday in a time zone, minus public holidays and closure days.

    ``working_hours`` maps ``mon``..``sun`` to a list of ``["HH:MM", "HH:MM"]`` shifts;
    split shifts are several pairs, an end of ``"24:00"`` or ``"00:00"`` means midnight.
    """

    name = models.CharField(max_length=100, unique=True, validators=[validate_single_line])
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    working_hours = models.JSONField(default=default_working_hours)
    holiday_country = models.CharField(
        max_length=2, blank=True, help_text="ISO country code for public holidays, e.g. IN."
    )
    holiday_subdivision = models.CharField(
        max_length=10, blank=True, help_text="State or region code, e.g. KA or ENG."
    )
    updated_at = models.DateTimeField(
        auto_now=True, help_text="Changes whenever the calendar or its closures change."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Check the shifts and the holiday region; codes are stored in capitals."""
        self.holiday_country = self.holiday_country.strip().upper()
        self.holiday_subdivision = self.holiday_subdivision.strip().upper()
        errors = {}
        try:
            BusinessCalendar.from_hours("UTC", parse_working_hours(self.working_hours))
        except ValueError as exc:
            errors["working_hours"] = str(exc).removeprefix("weekly_hours: ")
        errors.update(self._holiday_errors())
        if errors:
            raise ValidationError(errors)

    def _holiday_errors(self) -> dict[str, str]:
        if not self.holiday_country:
            if self.holiday_subdivision:
                return {"holiday_subdivision": "set the holiday country as well"}
            return {}
        try:
            # No years: only the country and subdivision codes are checked.
            public_holidays(self.holiday_country, self.holiday_subdivision or None, range(0))
        except ValueError as exc:
            field, _, problem = str(exc).partition(": ")
            return {f"holiday_{field}": problem}
        return {}


class ClosureDay(models.Model):
    """A day the desk counts as closed besides public holidays (an exam-week shutdown)."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="closure_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"


class SlaPolicy(models.Model):
    """The targets an institution's contract promises. One policy is the default for all."""

    name = models.CharField(max_length=100, unique=True, validators=[validate_single_line])
    institution = models.OneToOneField(
        "orgs.Institution",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sla_policy",
        help_text="Empty for the default policy that governs every other institution.",
    )
    is_default = models.BooleanField(default=False)
    calendar = models.ForeignKey(
        Calendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policies",
        help_text="Business-hours targets count in this calendar.",
    )
    pause_on_third_party = models.BooleanField(
        default=False, help_text="Also pause the resolution clock while waiting on a third party."
    )
    warning_percent = models.PositiveSmallIntegerField(
        default=75, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    bump_priority_on_breach = models.BooleanField(default=False)
    bump_tier_on_breach = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "SLA policies"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="sla_one_default_policy"
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(institution__isnull=True),
                name="sla_default_policy_has_no_institution",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A policy governs one institution, or is the one default for all the others."""
        errors = {}
        if self.is_default and self.institution_id is not None:
            errors["institution"] = "the default policy is for every institution without its own"
        if not self.is_default and self.institution_id is None:
            errors["institution"] = (
                "choose the institution this policy is for, or make it the default"
            )
        other = SlaPolicy.objects.filter(is_default=True).exclude(pk=self.pk).first()
        if self.is_default and other is not None:
            errors["is_default"] = f"{other.name!r} is already the default policy"
        if errors:
            raise ValidationError(errors)


class SlaTarget(models.Model):
    """First-response and resolution targets for one priority under one policy."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.CharField(max_length=10, choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty means: resolved by the next release."
    )
    business_hours = models.BooleanField(
        default=False, help_text="Count in the policy's calendar instead of around the clock."
    )

    class Meta:
        ordering = ["policy", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_per_priority"),
        ]

    def __str__(self) -> str:
        return f"{self.policy} · {self.priority}"

    def clean(self) -> None:
        errors = {}
        if self.first_response_minutes is not None and self.first_response_minutes < 1:
            errors["first_response_minutes"] = "must be at least 1 minute"
        if self.resolution_minutes is not None and self.resolution_minutes < 1:
            errors["resolution_minutes"] = "must be at least 1 minute, or empty for next release"
        if errors:
            raise ValidationError(errors)

"""Institutions that run the ERP, their modules and integrations, and the support teams."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from hypercare.lib.text import validate_single_line
from hypercare.orgs.choices import (
    AutoAssignment,
    IntegrationKind,
    ModuleCode,
    Phase,
    Tier,
    TimeEntryRule,
    UnknownSenders,
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known IANA time zone")


class Institution(models.Model):
    """A university or school that has gone live on the ERP. The unit of data isolation."""

    name = models.CharField(max_length=200, unique=True, validators=[validate_single_line])
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    go_live_date = models.DateField(null=True, blank=True)
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.HYPERCARE)
    unknown_senders = models.CharField(
        max_length=20,
        choices=UnknownSenders.choices,
        default=UnknownSenders.HOLD,
        help_text="Mail from an unknown address of one of the institution's mail domains.",
    )
    surveys_enabled = models.BooleanField(
        "satisfaction surveys",
        default=True,
        help_text="Ask the requester to rate the support once their ticket is resolved.",
    )
    auto_close_days = models.PositiveSmallIntegerField(
        "close resolved tickets after (days)",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="A resolved ticket the requester has not answered closes after this many "
        "days; until then a reply from them reopens it. They are told the day before.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Module(models.Model):
    """One ERP module as an institution runs it, with the people who own it there."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="modules")
    code = models.CharField(max_length=30, choices=ModuleCode.choices)
    name = models.CharField(max_length=100, validators=[validate_single_line])
    is_active = models.BooleanField(default=True)
    went_live_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the institution started using the module in production; empty "
        "while it is not live on it. Adoption blockers judge live modules only.",
    )
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="owned_modules"
    )

    class Meta:
        ordering = ["institution__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="module_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Integration(models.Model):
    """A connection between the institution's ERP and an outside system."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="integrations"
    )
    kind = models.CharField(max_length=20, choices=IntegrationKind.choices)
    name = models.CharField(max_length=120, validators=[validate_single_line])
    provider = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["institution__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="integration_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class IntegrationContact(models.Model):
    """Who to call about an integration: an institution user or someone at the provider."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=120, validators=[validate_single_line])
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    organisation = models.CharField(max_length=120, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.integration})"


class Team(models.Model):
    """A support team working at one tier (the service desk, the finance consultants, ...)."""

    name = models.CharField(max_length=100, unique=True, validators=[validate_single_line])
    slug = models.SlugField(max_length=60, unique=True)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.SERVICE_DESK)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")
    auto_assignment = models.CharField(
        max_length=20,
        choices=AutoAssignment.choices,
        default=AutoAssignment.OFF,
        help_text="Who gets a ticket that enters this team's queue.",
    )
    last_auto_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Round robin carries on after this member.",
    )
    time_entry = models.CharField(
        max_length=10,
        choices=TimeEntryRule.choices,
        default=TimeEntryRule.OPTIONAL,
        help_text="Whether staff enter the minutes each reply or note on this team's tickets took.",
    )

    class Meta:
        ordering = ["tier", "name"]

    def __str__(self) -> str:
        return self.name


class AgentAvailability(models.Model):
    """Whether a support agent can be given new tickets. No row means on duty.

    Auto-assignment passes over an agent who is off duty or out of office; tickets they
    already own stay theirs.
    """

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability"
    )
    on_duty = models.BooleanField(default=True)
    out_of_office_until = models.DateField(
        null=True, blank=True, help_text="Away up to and including this day."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "agent availability"

    def __str__(self) -> str:
        return f"{self.agent} · {'on' if self.on_duty else 'off'} duty"

"""Configuring SLA policies, their targets, business calendars and closure days.

The one write path for this configuration: the admin's pages call these services too.
Every change re-plans the open tickets it governs, after it commits: each ticket's own
timeline is replayed under the new configuration, one short transaction per ticket (see
``hypercare.sla.services``). Closed and resolved tickets keep the verdicts they had.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Model, QuerySet

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.models import Institution
from hypercare.sla.business_time import closure_days
from hypercare.sla.clocks import Target
from hypercare.sla.models import Calendar, ClosureDay, SlaPolicy, SlaTarget
from hypercare.sla.services import (
    replan_calendar_tickets,
    replan_open_tickets,
    replan_policy_tickets,
)
from hypercare.tickets.choices import Priority

REFUSED = "Only support managers and system admins configure SLAs."
MAX_CLOSURE_DAYS = 366
ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class CalendarSettings:
    """A calendar as configured. ``working_hours`` as stored (see ``Calendar``); None keeps
    the current ones, Monday to Friday 09:00-17:30 for a new calendar. ``closures`` maps
    each closure day to its reason and replaces them all; None keeps them."""

    name: str
    time_zone: str = "UTC"
    working_hours: Any = None
    holiday_country: str = ""
    holiday_subdivision: str = ""
    closures: Mapping[date, str] | None = None


@dataclass(frozen=True)
class PolicySettings:
    """A policy as configured; ``targets`` maps each priority with a target to it."""

    name: str
    institution: Institution | None = None
    is_default: bool = False
    calendar: Calendar | None = None
    pause_on_third_party: bool = False
    warning_percent: int = 75
    bump_priority_on_breach: bool = False
    bump_tier_on_breach: bool = False
    targets: Mapping[str, Target] = field(default_factory=dict)


def create_calendar(*, actor: User, settings: CalendarSettings) -> Calendar:
    """A new calendar; it counts for no ticket until a policy uses it."""
    _require_manager(actor)
    calendar = Calendar()
    with use_case():
        _save_calendar(calendar, settings)
    return calendar


def update_calendar(*, actor: User, calendar: Calendar, settings: CalendarSettings) -> Calendar:
    """Change hours, time zone or holidays; the tickets counted in it are re-planned."""
    _require_manager(actor)
    with use_case():
        calendar = Calendar.objects.select_for_update().get(pk=calendar.pk)
        _save_calendar(calendar, settings)
    replan_calendar_tickets(calendar)
    return calendar


def add_closure_days(
    *, actor: User, calendar: Calendar, first: date, last: date | None = None, reason: str = ""
) -> list[ClosureDay]:
    """Close ``first`` to ``last`` (one day when ``last`` is left out): an exam-week shutdown.

    Days already closed keep their reason; the new ones are returned. A closure added
    late moves the due times of the open tickets counted in this calendar.
    """
    _require_manager(actor)
    errors = FieldErrors()
    days = _closure_range(first, last, errors)
    _model_errors(errors, ClosureDay(date=first, reason=reason.strip()), exclude=["calendar"])
    errors.check()
    with use_case():
        calendar = Calendar.objects.select_for_update().get(pk=calendar.pk)
        existing = set(calendar.closures.filter(date__in=days).values_list("date", flat=True))
        added = [  # one by one: the configuration audit records each closure
            ClosureDay.objects.create(calendar=calendar, date=day, reason=reason.strip())
            for day in sorted(days - existing)
        ]
        _touch(calendar)
    replan_calendar_tickets(calendar)
    return added


def remove_closure_days(
    *, actor: User, calendar: Calendar, first: date, last: date | None = None
) -> int:
    """Open ``first`` to ``last`` again; how many closure days were removed."""
    _require_manager(actor)
    errors = FieldErrors()
    days = _closure_range(first, last, errors)
    errors.check()
    with use_case():
        calendar = Calendar.objects.select_for_update().get(pk=calendar.pk)
        removed, _ = calendar.closures.filter(date__in=days).delete()
        _touch(calendar)
    replan_calendar_tickets(calendar)
    return removed


def _touch(calendar: Calendar, before: datetime | None = None) -> None:
    """Move the calendar's "last changed" strictly forward from ``before`` (as stored).

    ``auto_now`` alone is not enough: a closure day does not save the calendar, and two
    changes in the same microsecond (or in frozen test time) would look like one.
    """
    if before is None:
        before = Calendar.objects.values_list("updated_at", flat=True).get(pk=calendar.pk)
    calendar.updated_at = max(clock.now(), before + ONE_MICROSECOND)
    Calendar.objects.filter(pk=calendar.pk).update(updated_at=calendar.updated_at)


def create_policy(*, actor: User, settings: PolicySettings) -> SlaPolicy:
    """A new policy; the tickets it now governs are re-planned under it."""
    _require_manager(actor)
    policy = SlaPolicy()
    with use_case():
        _save_policy(policy, settings)
    replan_policy_tickets(policy)
    return policy


def update_policy(*, actor: User, policy: SlaPolicy, settings: PolicySettings) -> SlaPolicy:
    """Change a policy and replace its targets; the tickets it governed and governs now
    are re-planned (an institution that moves to another policy, say)."""
    _require_manager(actor)
    with use_case():
        policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
        _save_policy(policy, settings)
    replan_policy_tickets(policy)
    return policy


def delete_policy(*, actor: User, policy: SlaPolicy) -> None:
    """Remove a policy: its institution's tickets fall back to the default policy (the
    default's, to none) and are re-planned."""
    _require_manager(actor)
    with use_case():
        policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
        institution_id = policy.institution_id
        policy.delete()
    if institution_id is None:
        replan_open_tickets()
    else:
        replan_open_tickets(institution_ids=[institution_id])


def check_business_hours_calendar(*, has_calendar: bool, targets: Mapping[str, Target]) -> None:
    """Business-hours targets count in the policy's calendar, so they need one."""
    errors = FieldErrors()
    counted = sorted(priority for priority, target in targets.items() if target.business_hours)
    if counted and not has_calendar:
        errors.add(
            "calendar", f"the {', '.join(counted)} targets count business hours; choose a calendar"
        )
    errors.check()


def _require_manager(actor: User) -> None:
    if not access.can_manage_desk(actor):
        raise NotAllowed(REFUSED)


def _closure_range(first: date, last: date | None, errors: FieldErrors) -> frozenset[date]:
    try:
        days = closure_days(first, last or first)
    except ValueError as exc:
        errors.add("last", str(exc).removeprefix("last: "))
        return frozenset()
    if len(days) > MAX_CLOSURE_DAYS:
        errors.add("last", f"a closure spans at most {MAX_CLOSURE_DAYS} days")
    return days


def _save_calendar(calendar: Calendar, settings: CalendarSettings) -> None:
    """Check the calendar and its closure days all at once, then store them."""
    errors = FieldErrors()
    calendar.name = settings.name.strip()
    calendar.time_zone = settings.time_zone.strip()
    if settings.working_hours is not None:
        calendar.working_hours = settings.working_hours
    calendar.holiday_country = settings.holiday_country
    calendar.holiday_subdivision = settings.holiday_subdivision
    _model_errors(errors, calendar)
    closures = [
        ClosureDay(date=day, reason=reason.strip())
        for day, reason in sorted((settings.closures or {}).items())
    ]
    for closure in closures:
        _model_errors(errors, closure, prefix=f"closures.{closure.date}.", exclude=["calendar"])
    errors.check()
    before = calendar.updated_at
    calendar.save()
    if settings.closures is not None:
        _hold_to(calendar.closures.all(), "date", closures, calendar=calendar)
    _touch(calendar, before)


def _save_policy(policy: SlaPolicy, settings: PolicySettings) -> None:
    """Check the policy and its targets all at once, then store them (targets replaced)."""
    errors = FieldErrors()
    unknown = sorted(set(settings.targets) - set(Priority.values))
    if unknown:
        errors.add("targets", f"unknown priorities {', '.join(unknown)}; use {', '.join(Priority)}")
    errors.collect(
        lambda: check_business_hours_calendar(
            has_calendar=settings.calendar is not None, targets=settings.targets
        )
    )
    policy.name = settings.name.strip()
    policy.institution = settings.institution
    policy.is_default = settings.is_default
    policy.calendar = settings.calendar
    policy.pause_on_third_party = settings.pause_on_third_party
    policy.warning_percent = settings.warning_percent
    policy.bump_priority_on_breach = settings.bump_priority_on_breach
    policy.bump_tier_on_breach = settings.bump_tier_on_breach
    _model_errors(errors, policy)
    targets = [
        SlaTarget(
            priority=priority,
            first_response_minutes=target.first_response_minutes,
            resolution_minutes=target.resolution_minutes,
            business_hours=target.business_hours,
        )
        for priority, target in settings.targets.items()
        if priority in Priority.values
    ]
    for target in targets:
        _model_errors(errors, target, prefix=f"targets.{target.priority}.", exclude=["policy"])
    errors.check()
    policy.save()
    _hold_to(policy.targets.all(), "priority", targets, policy=policy)


def _hold_to(stored: QuerySet[Any], key: str, wanted: Sequence[Model], **parent: Model) -> None:
    """Hold a policy's targets or a calendar's closures to exactly ``wanted``, matched by
    ``key``: rows no longer wanted deleted, the others saved over the stored row or
    created. Row by row rather than replaced in bulk, so the configuration audit records
    what really changed (and nothing for a row sent unchanged)."""
    existing = {getattr(row, key): row.pk for row in stored}
    stored.exclude(**{f"{key}__in": [getattr(row, key) for row in wanted]}).delete()
    for row in wanted:
        for name, value in parent.items():
            setattr(row, name, value)
        row.pk = existing.get(getattr(row, key))
        row._state.adding = row.pk is None
        row.save()


def _model_errors(
    errors: FieldErrors,
    instance: models.Model,
    *,
    prefix: str = "",
    exclude: list[str] | None = None,
) -> None:
    """The model's own validation (the admin runs the same), one problem per field."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        for name, problems in exc.message_dict.items():
            errors.add(
                prefix + (name if name != NON_FIELD_ERRORS else "settings"), " ".join(problems)
            )

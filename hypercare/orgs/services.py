"""Setting up institutions with their modules, integrations and the support teams."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.lib import clock
from hypercare.orgs.choices import ModuleCode, Phase
from hypercare.orgs.models import AgentAvailability, Institution, validate_time_zone
from hypercare.orgs.selectors import desk_day

NAME_MAX_LENGTH = 200
SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")


def create_institution(
    *,
    name: str,
    slug: str,
    time_zone: str = "UTC",
    go_live_date: dt.date | None = None,
    phase: str = Phase.HYPERCARE,
) -> Institution:
    """A new institution with every standard ERP module seeded (renamable afterwards)."""
    clean_name = _check_name(name)
    _check_slug(slug)
    try:
        validate_time_zone(time_zone)
    except ValidationError:
        raise ValidationFailed({"time_zone": f"{time_zone!r} is not a known time zone"}) from None
    if phase not in Phase.values:
        raise ValidationFailed({"phase": f"must be one of {', '.join(Phase.values)}"})
    with transaction.atomic(durable=True):
        institution = Institution.objects.create(
            name=clean_name, slug=slug, time_zone=time_zone, go_live_date=go_live_date, phase=phase
        )
        institution.modules.bulk_create(
            institution.modules.model(institution=institution, code=code, name=label)
            for code, label in ModuleCode.choices
        )
    return institution


def _check_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise ValidationFailed({"name": "must not be empty"})
    if len(cleaned) > NAME_MAX_LENGTH:
        raise ValidationFailed({"name": f"must be at most {NAME_MAX_LENGTH} characters"})
    if Institution.objects.filter(name__iexact=cleaned).exists():
        raise ValidationFailed({"name": "is already taken"})
    return cleaned


def _check_slug(slug: str) -> None:
    """Slugs appear in addresses, so they are lower-case letters, digits and hyphens."""
    if not SLUG_PATTERN.fullmatch(slug):
        raise ValidationFailed(
            {"slug": "must be lower-case letters, digits and hyphens, at most 60 characters"}
        )
    if Institution.objects.filter(slug=slug).exists():
        raise ValidationFailed({"slug": "is already taken"})


def set_availability(
    *, actor: User, agent: User, on_duty: bool, out_of_office_until: dt.date | None
) -> AgentAvailability:
    """Whether ``agent`` takes new tickets: on or off duty, and out of office up to a day.

    A return date already past is refused: it would read as "away" to a person and as
    "back" to auto-assignment.
    """
    if not access.can_set_availability(actor, agent):
        raise NotAllowed("Only the agent, their team lead or a desk manager can do this.")
    at = clock.now()
    if out_of_office_until is not None and out_of_office_until < desk_day(at):
        raise ValidationFailed({"out_of_office_until": "must be today or later"})
    with transaction.atomic(durable=True):
        availability, _ = AgentAvailability.objects.update_or_create(
            agent=agent,
            defaults={"on_duty": on_duty, "out_of_office_until": out_of_office_until},
        )
    return availability

"""Setting up institutions with their modules, integrations and the support teams."""

import datetime as dt
import re

from django.core.exceptions import ValidationError

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
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
    """A new institution with every standard ERP module seeded (renamable afterwards),
    each live from the institution's go-live date (a module it does not run is cleared).

    Names and slugs are unique: names whatever their case, slugs (in addresses) as
    lower-case letters, digits and hyphens.
    """
    errors = FieldErrors()
    clean_name = errors.line("name", name, NAME_MAX_LENGTH)
    if clean_name and Institution.objects.filter(name__iexact=clean_name).exists():
        errors.add("name", "is already taken")
    if not SLUG_PATTERN.fullmatch(slug):
        errors.add("slug", "must be lower-case letters, digits and hyphens, at most 60 characters")
    elif Institution.objects.filter(slug=slug).exists():
        errors.add("slug", "is already taken")
    try:
        validate_time_zone(time_zone)
    except ValidationError:
        errors.add("time_zone", f"{time_zone!r} is not a known time zone")
    errors.choice("phase", phase, Phase.values)
    errors.check()
    with use_case():
        institution = Institution.objects.create(
            name=clean_name, slug=slug, time_zone=time_zone, go_live_date=go_live_date, phase=phase
        )
        for code, label in ModuleCode.choices:  # one by one: the configuration audit sees each
            institution.modules.create(code=code, name=label, went_live_on=go_live_date)
    return institution


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
    errors = FieldErrors()
    if out_of_office_until is not None and out_of_office_until < desk_day(at):
        errors.add("out_of_office_until", "must be today or later")
    errors.check()
    with use_case():
        availability, _ = AgentAvailability.objects.update_or_create(
            agent=agent,
            defaults={"on_duty": on_duty, "out_of_office_until": out_of_office_until},
        )
    return availability

"""Setting up institutions with their modules, integrations and the support teams."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from hypercare.errors import ValidationFailed
from hypercare.orgs.choices import ModuleCode, Phase
from hypercare.orgs.models import Institution, validate_time_zone


def create_institution(
    *,
    name: str,
    slug: str,
    time_zone: str = "UTC",
    go_live_date: dt.date | None = None,
    phase: str = Phase.HYPERCARE,
) -> Institution:
    """A new institution with every standard ERP module seeded (renamable afterwards)."""
    try:
        validate_time_zone(time_zone)
    except ValidationError:
        raise ValidationFailed({"time_zone": f"{time_zone!r} is not a known time zone"}) from None
    if Institution.objects.filter(slug=slug).exists():
        raise ValidationFailed({"slug": "is already taken"})
    with transaction.atomic(durable=True):
        institution = Institution.objects.create(
            name=name, slug=slug, time_zone=time_zone, go_live_date=go_live_date, phase=phase
        )
        institution.modules.bulk_create(
            institution.modules.model(institution=institution, code=code, name=label)
            for code, label in ModuleCode.choices
        )
    return institution

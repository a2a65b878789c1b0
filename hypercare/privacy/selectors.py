"""Reads for data protection, each through the access policy."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from hypercare import access
from hypercare.access_requests.selectors import months_after
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, NotFound
from hypercare.orgs.models import Institution
from hypercare.privacy.models import RegisterEntry, RetentionSetting
from hypercare.tickets.choices import Status
from hypercare.tickets.models import Attachment

NO_PERSON = "No such person, or you may not handle their data."
NO_INSTITUTION = "No such institution, or you may not set its retention."
REGISTER_REFUSED = "Only system admins read the data-protection register."


def subjects(user: User, text: str = "") -> QuerySet[User]:
    """The people whose data ``user`` may export or anonymise, matching ``text`` in name,
    username or email."""
    found = User.objects.filter(access.personal_data_scope(user)).select_related("institution")
    for word in text.split():
        found = found.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    return found.order_by("last_name", "first_name", "username")


def get_subject(user: User, pk: int) -> User:
    found = User.objects.filter(access.personal_data_scope(user), pk=pk).first()
    if found is None:
        raise NotFound(NO_PERSON)
    return found


def retention_institutions(user: User) -> QuerySet[Institution]:
    scope = access.retention_institution_scope(user)
    return Institution.objects.filter(scope).select_related("retention").order_by("name")


def get_retention_institution(user: User, pk: int) -> Institution:
    found = retention_institutions(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(NO_INSTITUTION)
    return found


def retention_months(institution: Institution) -> int | None:
    setting = RetentionSetting.objects.filter(institution=institution).first()
    return None if setting is None else setting.attachment_months


def retention_cutoff(months: int, now: datetime) -> datetime:
    """Tickets closed before this have outlived ``months`` of retention (calendar months:
    six months before 31 August is 28 or 29 February)."""
    return datetime.combine(months_after(now.date(), -months), now.timetz())


def attachments_due(institution: Institution, months: int, now: datetime) -> QuerySet[Attachment]:
    """The files retention removes now: of the institution's tickets closed before the
    cutoff, those still kept. A ticket reopened since is no longer closed and keeps its
    files."""
    return Attachment.objects.filter(
        ticket__institution=institution,
        ticket__status=Status.CLOSED,
        ticket__closed_at__lt=retention_cutoff(months, now),
        removed_at__isnull=True,
    )


@dataclass(frozen=True)
class RetentionPreview:
    months: int | None
    due: int
    """How many files the next run removes (a dry run)."""


def retention_preview(institution: Institution, now: datetime) -> RetentionPreview:
    months = retention_months(institution)
    due = 0 if months is None else attachments_due(institution, months, now).count()
    return RetentionPreview(months=months, due=due)


def register_entries(user: User, action: str = "") -> QuerySet[RegisterEntry]:
    if not access.can_read_privacy_register(user):
        raise NotAllowed(REGISTER_REFUSED)
    entries = RegisterEntry.objects.select_related("actor", "subject", "institution")
    if action:
        entries = entries.filter(action=action)
    return entries

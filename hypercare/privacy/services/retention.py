"""Retention per institution: closed tickets' files removed after a number of months.

The row of each removed file stays as a tombstone (``Attachment.removed_at``) so the
timeline still reads "a file was here, removed by retention on …"; only the bytes go.
The job claims each file with a conditional update, so two workers never count one
twice, and deletes the bytes after the commit: a run that fails before it removes
nothing, and a file whose deletion fails after is already a tombstone nobody downloads.
"""

from functools import partial

from django.db import transaction

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.orgs.models import Institution
from hypercare.privacy import register
from hypercare.privacy.choices import RegisterAction
from hypercare.privacy.models import RetentionSetting
from hypercare.privacy.selectors import attachments_due
from hypercare.tickets.models import Attachment
from hypercare.tickets.services.attachments import attachment_path

MONTHS_MAX = 1200
RETENTION_REFUSED = "You may not set this institution's retention."


def set_retention(*, institution: Institution, months: int | None, actor: User) -> RetentionSetting:
    """Keep closed tickets' files ``months`` after closing; None keeps them for good."""
    scope = access.retention_institution_scope(actor)
    if not Institution.objects.filter(scope, pk=institution.pk).exists():
        raise NotAllowed(RETENTION_REFUSED)
    if months is not None and not 1 <= months <= MONTHS_MAX:
        raise ValidationFailed({"months": f"Give 1 to {MONTHS_MAX} months, or none to keep."})
    with use_case():
        setting, _ = RetentionSetting.objects.update_or_create(
            institution=institution,
            defaults={"attachment_months": months, "set_by": actor, "set_at": clock.now()},
        )
        register.record(
            RegisterAction.RETENTION_SET,
            actor=actor,
            institution=institution,
            outcome={"months": months},
        )
    return setting


def purge_expired_attachments() -> dict[str, int]:
    """Remove the files each institution's retention has run out for: the job."""
    removed = 0
    settings = RetentionSetting.objects.filter(attachment_months__isnull=False)
    for setting in settings.select_related("institution"):
        assert setting.attachment_months is not None  # noqa: S101 (filtered above)
        removed += _purge_institution(setting.institution, setting.attachment_months)
    return {"removed": removed}


def _purge_institution(institution: Institution, months: int) -> int:
    now = clock.now()
    with use_case():
        claimed = []
        for pk, name in attachments_due(institution, months, now).values_list("pk", "storage_name"):
            if Attachment.objects.filter(pk=pk, removed_at__isnull=True).update(removed_at=now):
                claimed.append(name)
                transaction.on_commit(partial(attachment_path(name).unlink, missing_ok=True))
        if claimed:
            register.record(
                RegisterAction.RETENTION_PURGE,
                actor=None,
                institution=institution,
                outcome={"files_removed": len(claimed), "months": months},
            )
    return len(claimed)

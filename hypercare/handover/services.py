"""Write use cases of the handover record: save it (a new version each time, with the
desk's records as they are then) and sign it off, for the institution or for the desk."""

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, ValidationFailed
from hypercare.handover import events
from hypercare.handover.choices import HandoverEventKind, Side
from hypercare.handover.content import HandoverText
from hypercare.handover.models import HandoverRecord, HandoverVersion
from hypercare.handover.selectors import desk_records
from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.lib.validation import FieldErrors
from hypercare.orgs.models import Institution
from hypercare.tickets.services.common import require

LINE_MAX = 300
NOTES_MAX = 10_000
RISKS_MAX = 50
EDIT_REFUSED = "Only support staff and the institution's admins write its handover record."
SIGN_REFUSED = {
    Side.INSTITUTION: "Only an admin of the institution signs its handover for it.",
    Side.DESK: "Only a support manager signs the handover for the desk.",
}
STALE = "The handover record was saved again since you read it: read it again first."
NOTHING_TO_SIGN = "Nothing to sign yet: save the handover record first."
ALREADY_SIGNED = "This version is already signed for that side."


def _checked(text: HandoverText) -> HandoverText:
    errors = FieldErrors()
    risks = [errors.line("open_risks", risk, LINE_MAX) for risk in text.open_risks if risk.strip()]
    if len(risks) > RISKS_MAX:
        errors.add("open_risks", f"list at most {RISKS_MAX} risks")
    checked = HandoverText(
        backup_what=errors.text("backup_what", text.backup_what, LINE_MAX * 4, required=False),
        backup_frequency=errors.line(
            "backup_frequency", text.backup_frequency, LINE_MAX, required=False
        ),
        restore_time=errors.line("restore_time", text.restore_time, LINE_MAX, required=False),
        open_risks=risks,
        notes=errors.text("notes", text.notes, NOTES_MAX, required=False),
    )
    errors.check()
    return checked


def save_handover(
    *, institution: Institution, actor: User, text: HandoverText, read_version: int
) -> HandoverVersion:
    """A new version of the record: the desk's records as they are now and ``text``.

    Every save is a version, so a version someone signed stays what they signed and the
    new one waits for both sign-offs again. ``read_version`` is the version the writer
    read (0 before the first save): a save over someone else's is refused, not lost.
    """
    require(access.can_edit_handover(actor, institution.pk), EDIT_REFUSED)
    if read_version < 0:
        raise ValidationFailed({"read_version": "name the version you read (0 before any)"})
    text = _checked(text)
    content = desk_records(institution) | text.as_content()
    with use_case():
        at = clock.now()
        record, _ = HandoverRecord.objects.select_for_update().get_or_create(
            institution=institution, defaults={"created_at": at, "current_version": 0}
        )
        if record.current_version != read_version:
            raise InvalidTransition(STALE)
        record.current_version += 1
        record.save(update_fields=["current_version"])
        version = HandoverVersion.objects.create(
            record=record,
            number=record.current_version,
            content=content,
            saved_by=actor,
            saved_at=at,
        )
        events.record_step(record, HandoverEventKind.SAVED, version.number, actor, at)
    return version


def _may_sign(actor: User, institution: Institution, side: Side) -> bool:
    if side == Side.INSTITUTION:
        return access.can_sign_handover_for_institution(actor, institution.pk)
    return access.can_sign_handover_for_desk(actor)


def sign_handover(
    *, institution: Institution, actor: User, side: Side, version: int
) -> HandoverVersion:
    """Sign ``version`` for ``side``. Only the current version is signed: the signer names
    the one they read, so a save in between is refused rather than signed unseen."""
    require(_may_sign(actor, institution, side), SIGN_REFUSED[side])
    with use_case():
        record = HandoverRecord.objects.select_for_update().filter(institution=institution).first()
        if record is None or record.current_version == 0:
            raise InvalidTransition(NOTHING_TO_SIGN)
        if record.current_version != version:
            raise InvalidTransition(STALE)
        current = HandoverVersion.objects.get(record=record, number=version)
        at = clock.now()
        if side == Side.INSTITUTION:
            if current.institution_signed_at is not None:
                raise InvalidTransition(ALREADY_SIGNED)
            current.institution_signed_by, current.institution_signed_at = actor, at
            kind = HandoverEventKind.SIGNED_BY_INSTITUTION
        else:
            if current.desk_signed_at is not None:
                raise InvalidTransition(ALREADY_SIGNED)
            current.desk_signed_by, current.desk_signed_at = actor, at
            kind = HandoverEventKind.SIGNED_BY_DESK
        current.save()
        events.record_step(record, kind, version, actor, at)
    return current

from django.db import models


class Reason(models.TextChoices):
    """Why the data is wrong: each calls for a different check before it is changed."""

    WRONG_ENTRY = "wrong_entry", "Wrong entry"
    FAILED_IMPORT = "failed_import", "Failed import validation"
    DUPLICATES = "duplicates", "Duplicate records to be merged"


class Decision(models.TextChoices):
    SIGNED_OFF = "signed_off", "Signed off"
    REFUSED = "refused", "Refused"


class VoidReason(models.TextChoices):
    """Why a decision on the record no longer stands; the label ends its sentence."""

    RECORD_CHANGED = "record_changed", "the correction record changed after it"
    DATA_OWNER_CHANGED = "data_owner_changed", "another data owner is named"


class Outcome(models.TextChoices):
    """The requester's verdict on the applied correction."""

    RIGHT = "right", "It is right"
    NOT_RIGHT = "not_right", "It is not right"


class CorrectionEventKind(models.TextChoices):
    """A data correction's steps on its ticket's timeline: public, since the requester
    verifies the outcome and the data owner signs off what they read there."""

    CORRECTION_WRITTEN = "correction_written", "Correction record written"
    SIGN_OFF_REQUESTED = "correction_sign_off_requested", "Correction sign-off requested"
    SIGNED_OFF = "correction_signed_off", "Correction signed off"
    SIGN_OFF_REFUSED = "correction_sign_off_refused", "Correction sign-off refused"
    SIGN_OFF_VOID = "correction_sign_off_void", "Correction sign-off void"
    DATA_OWNER_NAMED = "correction_data_owner_named", "Correction data owner named"
    CORRECTION_APPLIED = "correction_applied", "Correction applied"
    CORRECTION_VERIFIED = "correction_verified", "Correction verified"
    CORRECTION_NOT_RIGHT = "correction_not_right", "Correction not right"

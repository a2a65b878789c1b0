from django.db import models


class HandoverEventKind(models.TextChoices):
    """The steps of a handover record's history."""

    SAVED = "saved", "Saved a new version"
    SIGNED_BY_INSTITUTION = "signed_institution", "Signed off for the institution"
    SIGNED_BY_DESK = "signed_desk", "Signed off for the support desk"


class Side(models.TextChoices):
    """Who a sign-off speaks for: the record is complete when both have signed."""

    INSTITUTION = "institution", "Institution"
    DESK = "desk", "Support desk"

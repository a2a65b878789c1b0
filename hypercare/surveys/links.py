"""The signed survey link: it names one survey and its ticket, needs no sign-in, and
expires after ``HYPERCARE_SURVEY_LINK_DAYS``. Answering once is enforced by the survey
itself (``services``), so the link carries no state."""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from hypercare.errors import NotFound, ValidationFailed
from hypercare.surveys.models import Survey

SALT = "hypercare.surveys.link"
NOT_VALID = "This survey link is not valid. Please answer from the ticket's page in the portal."
EXPIRED = "has expired: please answer from the ticket's page in the portal"


@dataclass(frozen=True)
class LinkTarget:
    survey_id: int
    ticket_id: int


def token_for(survey: Survey) -> str:
    return signing.dumps({"survey": survey.pk, "ticket": survey.ticket_id}, salt=SALT)


def survey_url(survey: Survey) -> str:
    return f"{settings.SITE_URL}/surveys/{token_for(survey)}/"


def read_token(token: str) -> LinkTarget:
    """What a token names; NotFound when it was not signed by us (tampered, truncated),
    ValidationFailed on ``token`` once it has expired."""
    try:
        value = signing.loads(token, salt=SALT, max_age=settings.HYPERCARE_SURVEY_LINK_DAYS * 86400)
    except signing.SignatureExpired:
        raise ValidationFailed({"token": EXPIRED}) from None
    except signing.BadSignature:
        raise NotFound(NOT_VALID) from None
    if not isinstance(value, dict) or not all(
        isinstance(value.get(key), int) for key in ("survey", "ticket")
    ):
        raise NotFound(NOT_VALID)
    return LinkTarget(value["survey"], value["ticket"])

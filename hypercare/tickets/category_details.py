"""The questions each category asks at intake, and their validation.

Each category has its own typed answers; they are stored on the ticket as a JSON object
(``Ticket.category_details``) and checked here against the ticket's institution, so an
integration or a data owner from another institution can never be named.
"""

from datetime import datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.errors import ValidationFailed
from hypercare.orgs.models import Institution, Integration
from hypercare.tickets.choices import Category

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class _Details(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuestionDetails(_Details):
    screen_or_report: Text = Field(description="The screen or report the question is about.")


class ConfigurationDetails(_Details):
    area: Literal["permissions", "workflow", "form", "alert", "report"]
    current_behaviour: Text
    wanted_behaviour: Text


class DataCorrectionDetails(_Details):
    records_affected: Text = Field(description="Which records: IDs, names, a range.")
    correction_wanted: Text
    data_owner_id: int = Field(description="The institution's data owner who must sign off.")


class IntegrationDetails(_Details):
    integration_id: int
    transaction_reference: Text = Field(description="Reference of the failing transaction.")


class AccessDetails(_Details):
    user: Text = Field(description="The ERP user whose access changes (name or login).")
    role: Text = Field(description="The ERP role to add, change or remove.")
    action: Literal["add", "change", "remove"]


class IncidentDetails(_Details):
    since: datetime = Field(description="When the failure started.")
    users_affected: int = Field(ge=1, le=1_000_000)


class EnhancementDetails(_Details):
    business_need: Text
    proposed_solution: Annotated[str, StringConstraints(max_length=2000)] = ""


DETAILS_BY_CATEGORY: dict[str, type[_Details]] = {
    Category.QUESTION: QuestionDetails,
    Category.CONFIGURATION: ConfigurationDetails,
    Category.DATA_CORRECTION: DataCorrectionDetails,
    Category.INTEGRATION: IntegrationDetails,
    Category.ACCESS: AccessDetails,
    Category.INCIDENT: IncidentDetails,
    Category.ENHANCEMENT: EnhancementDetails,
}

FIELD_PREFIX = "category_details"


def validate_category_details(
    *, category: str, details: dict[str, Any], institution: Institution
) -> dict[str, Any]:
    """Check the answers for ``category`` and return them as stored JSON."""
    model = DETAILS_BY_CATEGORY[category]
    try:
        parsed = model.model_validate(details)
    except ValidationError as exc:
        raise ValidationFailed(_pydantic_errors(exc)) from None
    _check_references(parsed, institution)
    if isinstance(parsed, IncidentDetails) and parsed.since.tzinfo is None:
        # "Since 09:00" typed by a person means 09:00 where their institution is.
        parsed.since = parsed.since.replace(tzinfo=ZoneInfo(institution.time_zone))
    return parsed.model_dump(mode="json")


def _pydantic_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        path = ".".join(str(part) for part in (FIELD_PREFIX, *error["loc"]))
        errors.setdefault(path, error["msg"])
    return errors


def _check_references(parsed: _Details, institution: Institution) -> None:
    if isinstance(parsed, IntegrationDetails):
        exists = Integration.objects.filter(pk=parsed.integration_id, institution=institution)
        if not exists.exists():
            raise ValidationFailed(
                {f"{FIELD_PREFIX}.integration_id": "no such integration at this institution"}
            )
    if isinstance(parsed, DataCorrectionDetails):
        owner = User.objects.filter(
            pk=parsed.data_owner_id,
            institution=institution,
            is_active=True,
            role_grants__role=Role.DATA_OWNER,
        )
        if not owner.exists():
            raise ValidationFailed(
                {f"{FIELD_PREFIX}.data_owner_id": "not a data owner at this institution"}
            )

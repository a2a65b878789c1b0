"""Data-protection endpoints: find a person, export their data, anonymise them, set an
institution's retention and read the register; thin adapters over ``privacy.services``."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from hypercare.accounts.models import User
from hypercare.accounts.schemas import UserRef
from hypercare.api.common import DbId, Page, PageQuery, actor, errors, paginate
from hypercare.lib import clock
from hypercare.lib.text import single_line
from hypercare.privacy import selectors
from hypercare.privacy.choices import RegisterAction
from hypercare.privacy.services.anonymise import ANONYMISE_REFUSED, anonymise_person
from hypercare.privacy.services.export import EXPORT_REFUSED, export_personal_data
from hypercare.privacy.services.retention import MONTHS_MAX, RETENTION_REFUSED, set_retention

router = Router(tags=["data protection"])
ActionIn = Literal["", "export", "anonymise", "retention_set", "retention_purge"]


class PersonOut(Schema):
    id: int
    username: str
    name: str = Field(validation_alias="display_name")
    email: str
    institution_id: int | None
    is_active: bool


class PeopleQuery(PageQuery):
    model_config = ConfigDict(extra="forbid")
    q: Annotated[str, single_line(max_length=200)] = Field(
        "", description="Words each found in the name, username or email."
    )


class AnonymiseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    confirmation: Annotated[str, single_line(max_length=150)] = Field(
        description="The person's name as shown (`name`), typed: anonymising cannot be undone."
    )


class RetentionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    months: int | None = Field(
        ge=1, le=MONTHS_MAX, description="Months after closing; null keeps files for good."
    )


class RetentionOut(Schema):
    institution_id: int
    months: int | None
    due: int = Field(description="Files the next run removes (a dry run).")


class RegisterQuery(PageQuery):
    model_config = ConfigDict(extra="forbid")
    action: ActionIn = ""


class RegisterEntryOut(Schema):
    id: int
    at: datetime
    action: str = Field(description=", ".join(f"`{value}`" for value in RegisterAction.values))
    actor: UserRef | None = Field(description="Null: the retention job.")
    subject: UserRef | None
    institution_id: int | None
    outcome: dict[str, Any]


@router.get("/privacy/people", response={200: Page[PersonOut], **errors(401, 422)})
def list_people(request: HttpRequest, query: Query[PeopleQuery]) -> dict[str, Any]:
    """The people whose data you may export or anonymise: anyone for support managers
    and system admins, your institution's people for its admin, nobody for others."""
    return paginate(selectors.subjects(actor(request), query.q), query)


@router.post(
    "/privacy/people/{person_id}/export",
    response={
        200: None,
        **errors(401, 422, forbidden=EXPORT_REFUSED, not_found=selectors.NO_PERSON),
    },
)
def export_person(request: HttpRequest, person_id: DbId) -> FileResponse:
    """A ZIP of everything the desk holds about the person (README.txt inside says what),
    recorded in the data-protection register."""
    user = actor(request)
    export = export_personal_data(subject=selectors.get_subject(user, person_id), actor=user)
    response = FileResponse(
        export.file, as_attachment=True, filename=export.filename, content_type="application/zip"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post(
    "/privacy/people/{person_id}/anonymise",
    response={
        200: PersonOut,
        **errors(
            401,
            422,
            forbidden=ANONYMISE_REFUSED,
            not_found=selectors.NO_PERSON,
            conflict="The person is already anonymised.",
        ),
    },
)
def anonymise(request: HttpRequest, person_id: DbId, payload: AnonymiseIn) -> User:
    """Replace the person by a placeholder everywhere, for good; tickets and figures stay."""
    user = actor(request)
    subject = selectors.get_subject(user, person_id)
    return anonymise_person(subject=subject, actor=user, confirmation=payload.confirmation)


@router.get(
    "/privacy/retention/{institution_id}",
    response={200: RetentionOut, **errors(401, 422, not_found=selectors.NO_INSTITUTION)},
)
def get_retention(request: HttpRequest, institution_id: DbId) -> dict[str, Any]:
    """How long the institution keeps closed tickets' files, and how many go next run."""
    institution = selectors.get_retention_institution(actor(request), institution_id)
    preview = selectors.retention_preview(institution, clock.now())
    return {"institution_id": institution.pk, "months": preview.months, "due": preview.due}


@router.put(
    "/privacy/retention/{institution_id}",
    response={
        200: RetentionOut,
        **errors(401, 422, forbidden=RETENTION_REFUSED, not_found=selectors.NO_INSTITUTION),
    },
)
def put_retention(
    request: HttpRequest, institution_id: DbId, payload: RetentionIn
) -> dict[str, Any]:
    """Set the institution's retention; the job removes what has run out within the hour."""
    user = actor(request)
    institution = selectors.get_retention_institution(user, institution_id)
    set_retention(institution=institution, months=payload.months, actor=user)
    preview = selectors.retention_preview(institution, clock.now())
    return {"institution_id": institution.pk, "months": preview.months, "due": preview.due}


@router.get(
    "/privacy/register",
    response={
        200: Page[RegisterEntryOut],
        **errors(401, 422, forbidden=selectors.REGISTER_REFUSED),
    },
)
def list_register(request: HttpRequest, query: Query[RegisterQuery]) -> dict[str, Any]:
    """The data-protection register, newest first: system admins only."""
    return paginate(selectors.register_entries(actor(request), query.action), query)

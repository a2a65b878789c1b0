"""API shapes for access requests, the ledger and reviews. Input schemas list exactly the
fields an operation may set."""

from datetime import date, datetime
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from hypercare.access_requests.choices import AccessAction, RequestStatus, ReviewAnswer
from hypercare.access_requests.models import (
    COMMENT_MAX,
    NAME_MAX,
    ROLE_MAX,
    AccessReview,
    ReviewLine,
)
from hypercare.access_requests.selectors import review_lines
from hypercare.accounts.schemas import UserRef
from hypercare.api.common import DbId
from hypercare.lib.text import body_text, single_line
from hypercare.tickets.schemas import InstitutionRef

Line = Annotated[str, single_line(max_length=NAME_MAX)]
Role = Annotated[str, single_line(max_length=ROLE_MAX)]
Comment = Annotated[str, body_text(max_length=COMMENT_MAX)]


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class AccessRequestIn(_Input):
    """An access ticket's request. A field left out is taken from the ticket's intake
    answers (action, whose access, role); the effective date is then today."""

    ticket: Annotated[str, single_line(min_length=1, max_length=20)] = Field(
        examples=["HC-000123"], description="The access ticket it is recorded from."
    )
    action: AccessAction | None = None
    role: Role | None = Field(None, description="The ERP role added, removed, or changed to.")
    old_role: Role | None = Field(None, description="For a change: the role it changes from.")
    person_id: DbId | None = Field(None, description="A user of the ticket's institution.")
    person_name: Line | None = Field(None, description="Who, when they are no user here.")
    erp_login: Line | None = None
    effective_on: date | None = None
    ends_on: date | None = Field(None, description="Temporary access ends on this day.")


class DecisionIn(_Input):
    comment: Comment = Field("", description="Why; needed for a rejection.")


class AccessRequestOut(Schema):
    id: int
    reference: str
    institution: InstitutionRef
    ticket: str | None = Field(description="The access ticket's reference, if any.")
    origin: str | None = Field(description="The temporary grant this request removes.")
    action: AccessAction
    person: UserRef | None
    person_name: str
    erp_login: str
    role: str
    old_role: str
    effective_on: date
    ends_on: date | None
    status: RequestStatus
    asked_by: UserRef | None = Field(
        description="Who asked: the access ticket's requester, else who recorded it; null "
        "when Hypercare opened it."
    )
    requested_by: UserRef | None = Field(
        description="Who recorded the request; null when Hypercare opened it."
    )
    requested_at: datetime
    decided_by: UserRef | None
    decided_at: datetime | None
    decision_comment: str
    done_by: UserRef | None
    done_at: datetime | None

    @staticmethod
    def resolve_ticket(obj: object) -> str | None:
        ticket = getattr(obj, "ticket", None)
        return ticket.reference if ticket is not None else None

    @staticmethod
    def resolve_origin(obj: object) -> str | None:
        origin = getattr(obj, "origin", None)
        return origin.reference if origin is not None else None


class AccessRequestQuery(Schema):
    status: RequestStatus | None = None
    institution_id: DbId | None = None
    waiting_for_me: bool = Field(
        False, description="Only those waiting for your decision as approval owner."
    )


class LedgerQuery(Schema):
    person: Line = Field("", description="Part of the person's name or ERP login.")
    role: Role = Field("", description="Part of the role (or the role changed from).")
    action: AccessAction | None = None
    done_from: date | None = Field(None, description="Done on or after this day.")
    done_to: date | None = Field(None, description="Done on or before this day.")
    institution_id: DbId | None = Field(None, description="Support staff: one institution.")


class LedgerEntryOut(Schema):
    id: int
    institution: InstitutionRef
    access_request: str = Field(description="The request's reference.")
    person: UserRef | None
    person_name: str
    erp_login: str
    action: AccessAction
    role: str
    old_role: str
    requested_by: UserRef | None = Field(
        description="Who asked: the access ticket's requester (the person it is on behalf "
        "of), else the institution admin whose review line asked; null when Hypercare "
        "opened it."
    )
    recorded_by: UserRef | None = Field(
        description="Who keyed the request in (the agent who recorded it from its ticket); "
        "null when Hypercare opened it."
    )
    approved_by: UserRef
    done_by: UserRef
    done_at: datetime
    effective_on: date
    ends_on: date | None

    @staticmethod
    def resolve_access_request(obj: object) -> str:
        return str(getattr(obj, "access_request").reference)  # noqa: B009


class ReviewLineOut(Schema):
    id: int
    person: UserRef | None
    person_name: str
    erp_login: str
    role: str
    answer: ReviewAnswer | None
    answered_by: UserRef | None
    answered_at: datetime | None
    comment: str
    access_request: str | None = Field(description="The request a flagged line opened.")

    @staticmethod
    def resolve_answer(obj: object) -> str | None:
        return getattr(obj, "answer", "") or None

    @staticmethod
    def resolve_access_request(obj: object) -> str | None:
        request = getattr(obj, "access_request", None)
        return request.reference if request is not None else None


class AccessReviewOut(Schema):
    id: int
    institution: InstitutionRef
    opened_at: datetime
    closed_at: datetime | None


class AccessReviewDetailOut(AccessReviewOut):
    lines: list[ReviewLineOut]

    @staticmethod
    def resolve_lines(obj: AccessReview) -> list[ReviewLine]:
        return list(review_lines(obj))


class ReviewAnswerIn(_Input):
    answer: ReviewAnswer
    action: AccessAction | None = Field(
        None, description="For a flagged line: remove the role, or change it."
    )
    new_role: Role = Field("", description="For a change: the role it should become.")
    comment: Comment = ""

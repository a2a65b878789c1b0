"""Module usage endpoints: an ERP feed sends its daily active users per module, and the
adoption blockers read as JSON; thin adapters over the service and selectors."""

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from hypercare.adoption import selectors
from hypercare.adoption.services import (
    ACTIVE_USERS_MAX,
    RECORD_REFUSED,
    ROWS_MAX,
    UsageRow,
    record_module_usage,
)
from hypercare.api.common import DbId, actor, errors, refuse_unknown_query
from hypercare.errors import ValidationFailed
from hypercare.lib.text import single_line
from hypercare.reports.api import DashboardQuery
from hypercare.reports.selectors import READERS_ONLY, report_filters

router = Router(tags=["adoption"])


class UsageIn(Schema):
    module: Annotated[str, single_line(max_length=30)] = Field(
        description="The module's code, e.g. `finance`."
    )
    day: date
    active_users: int = Field(ge=0, le=ACTIVE_USERS_MAX)


class UsageRecordedOut(Schema):
    institution_id: int
    created: int = Field(description="Module days not known before.")
    updated: int = Field(description="Module days sent again, whose figure was replaced.")


@router.post(
    "/institutions/{institution_id}/module-usage",
    response={
        200: UsageRecordedOut,
        **errors(401, 422, not_found=selectors.NO_INSTITUTION, forbidden=RECORD_REFUSED),
    },
)
def post_module_usage(
    request: HttpRequest, institution_id: DbId, payload: list[UsageIn]
) -> dict[str, Any]:
    """Record the ERP's active users per module and day (at most 5000 rows); a module
    and day sent again replaces its figure. A bad row is named by its position and
    field (`3.day`), and nothing is recorded."""
    if len(payload) > ROWS_MAX:
        raise ValidationFailed({"body": f"must hold at most {ROWS_MAX} rows"})
    institution = selectors.usage_institution(actor(request), institution_id)
    recorded = record_module_usage(
        institution=institution,
        rows=[UsageRow(row.module, row.day, row.active_users) for row in payload],
        actor=actor(request),
    )
    return {"institution_id": institution.pk, **vars(recorded)}


class QuestionsOut(Schema):
    institution: str
    module: str
    questions: int = Field(description="Questions opened in the period about the module.")


class LiveModuleOut(Schema):
    institution_id: int
    institution: str
    module: str = Field(description="The module's code.")
    name: str
    went_live_on: date
    days_reported: int = Field(description="Days of the usage window with a figure received.")
    peak_active_users: int | None = Field(
        description="Active users on the busiest day of the window; null: no data."
    )
    blocker: bool
    reason: str = Field(
        description="`no usage data received`, `nobody used it`, `at most N active users "
        "a day`, or `in use`."
    )


class AdoptionOut(Schema):
    period: str
    start: datetime
    end: datetime
    question_threshold: int = Field(description="Questions about one module from this many on.")
    questions: list[QuestionsOut] = Field(
        description="Modules an institution keeps asking about in the period, most first."
    )
    usage_since: date
    usage_until: date
    min_active_users: int = Field(description="A live module's busiest day below this blocks.")
    modules: list[LiveModuleOut] = Field(description="Every live module, blockers first.")


@router.get(
    "/reports/adoption",
    response={200: AdoptionOut, **errors(401, 422, forbidden=READERS_ONLY)},
)
def read_adoption(request: HttpRequest, query: Query[DashboardQuery]) -> dict[str, Any]:
    """Adoption blockers over the dashboard's filters: every institution for support
    managers, their own for an institution's admin."""
    refuse_unknown_query(request, DashboardQuery.model_fields)
    user = actor(request)
    found = selectors.adoption(user, report_filters(user, **query.dict()))
    return {
        "period": found.filters.period,
        "start": found.window.start,
        "end": found.window.end,
        "question_threshold": found.question_threshold,
        "questions": [
            {"institution": row.institution, "module": row.module, "questions": row.questions.value}
            for row in found.questions
        ],
        "usage_since": found.usage_since,
        "usage_until": found.usage_until,
        "min_active_users": found.min_active_users,
        "modules": [
            {
                "institution_id": row.institution_id,
                "institution": row.institution,
                "module": row.code,
                "name": row.name,
                "went_live_on": row.went_live_on,
                "days_reported": row.days_reported,
                "peak_active_users": row.peak_active_users,
                "blocker": row.blocker,
                "reason": row.reason,
            }
            for row in found.modules
        ],
    }

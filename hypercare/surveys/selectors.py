"""Reads of satisfaction surveys, scoped by the access policy: a ticket's survey for who
sees the ticket; the results for support managers (every team) and team leads (their
own teams)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, QuerySet
from django.utils import timezone

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotAllowed, NotFound
from hypercare.orgs.choices import ModuleCode
from hypercare.surveys import links
from hypercare.surveys.models import Survey
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket

RESULTS_REFUSED = "Only support managers and team leads read the survey results."
RECENT_COMMENTS = 20
NOBODY = "(none)"


@dataclass(frozen=True)
class Period:
    """Surveys sent from ``since`` to ``until``, both days included, in the reader's zone."""

    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class ResultRow:
    label: str
    sent: int
    answered: int
    average: float | None

    @property
    def response_rate(self) -> float:
        return self.answered / self.sent if self.sent else 0.0


@dataclass(frozen=True)
class Results:
    total: ResultRow
    by: dict[str, list[ResultRow]]
    comments: list[Survey]


DIMENSIONS = ("team", "agent", "module", "category", "institution")


def survey_of_ticket(user: User, ticket: Ticket) -> Survey | None:
    """The ticket's survey, if ``user`` may read it (they see the ticket)."""
    return (
        Survey.objects.filter(access.survey_scope(user), ticket_id=ticket.pk)
        .select_related("requester")
        .first()
    )


def survey_for_link(token: str) -> Survey:
    """The survey a mailed link names, read without signing in: the link is the
    credential. A token naming a survey with another ticket is no link of ours."""
    target = links.read_token(token)
    survey = (
        Survey.objects.select_related("ticket", "requester")
        .filter(pk=target.survey_id, ticket_id=target.ticket_id)
        .first()
    )
    if survey is None:
        raise NotFound(links.NOT_VALID)
    return survey


def survey_results(user: User, period: Period = Period()) -> Results:
    """Average rating, surveys sent and answered, and the response rate overall and per
    team, agent (at resolution), module, category and institution; the latest comments."""
    if not access.can_read_survey_results(user):
        raise NotAllowed(RESULTS_REFUSED)
    surveys = _in_period(Survey.objects.filter(access.survey_results_scope(user)), period)
    total = surveys.aggregate(sent=Count("pk"), answered=Count("rating"), average=Avg("rating"))
    comments = (
        surveys.exclude(comment="")
        .filter(answered_at__isnull=False)
        .select_related("ticket__institution", "requester", "agent", "team")
        .order_by("-answered_at", "-pk")[:RECENT_COMMENTS]
    )
    return Results(
        total=ResultRow("All", total["sent"], total["answered"], total["average"]),
        by={dimension: _breakdown(surveys, dimension) for dimension in DIMENSIONS},
        comments=list(comments),
    )


def _in_period(surveys: QuerySet[Survey], period: Period) -> QuerySet[Survey]:
    zone = timezone.get_current_timezone()
    if period.since is not None:
        surveys = surveys.filter(sent_at__gte=datetime.combine(period.since, time(), zone))
    if period.until is not None:
        end = datetime.combine(period.until + timedelta(days=1), time(), zone)
        surveys = surveys.filter(sent_at__lt=end)
    return surveys


# Each breakdown's field, grouped on; ``_label`` says how a group's value reads.
_GROUPED_ON = {
    "team": "team__name",
    "agent": "agent_id",
    "module": "ticket__module__code",
    "category": "ticket__category",
    "institution": "ticket__institution__name",
}


def _breakdown(surveys: QuerySet[Survey], dimension: str) -> list[ResultRow]:
    field = _GROUPED_ON[dimension]
    groups = (
        surveys.order_by()
        .values(field)
        .annotate(sent=Count("pk"), answered=Count("rating"), average=Avg("rating"))
    )
    labels = _agent_names(groups) if dimension == "agent" else {}
    rows = [
        ResultRow(
            _label(dimension, group[field], labels),
            group["sent"],
            group["answered"],
            group["average"],
        )
        for group in groups
    ]
    return sorted(rows, key=lambda row: row.label.casefold())


def _agent_names(groups: QuerySet[Survey, dict[str, object]]) -> dict[object, str]:
    ids = [group["agent_id"] for group in groups if group["agent_id"] is not None]
    return {person.pk: person.display_name for person in User.objects.filter(pk__in=ids)}


def _label(dimension: str, value: object, agents: dict[object, str]) -> str:
    if value is None:
        return NOBODY
    if dimension == "agent":
        return agents.get(value, NOBODY)
    if dimension == "module":
        return str(ModuleCode(str(value)).label)
    if dimension == "category":
        return str(Category(str(value)).label)
    return str(value)

"""The demo's known error: fee payments failing at two institutions, traced to one cause,
with a workaround published to the requesters of the open tickets it explains."""

from django.db.models import QuerySet

from hypercare.accounts.models import User
from hypercare.orgs.choices import IntegrationKind, ModuleCode
from hypercare.orgs.models import Integration
from hypercare.problems.choices import ProblemStatus
from hypercare.problems.models import Problem
from hypercare.problems.services.records import (
    ProblemDetails,
    change_problem_status,
    create_problem,
)
from hypercare.problems.services.workaround import publish_workaround
from hypercare.tickets.choices import OPEN_STATUSES
from hypercare.tickets.models import Ticket

OWNER = "kenji.sato"
ROOT_CAUSE = (
    "The payment gateways' callbacks are signed with a certificate the ERP does not trust "
    "since the gateways renewed theirs; the ERP drops each callback, so a paid fee stays unpaid."
)
WORKAROUND = (
    "If a fee you paid online still shows as unpaid, do not pay again: keep the payment "
    "confirmation mail and the bursar's office will mark the fee as paid by hand."
)


def record_known_problem() -> Problem | None:
    """One open fees ticket from each of two institutions, linked to a known error."""
    tickets = _one_per_institution(
        Ticket.objects.filter(module__code=ModuleCode.FEES, status__in=OPEN_STATUSES)
    )
    if len(tickets) < 2:
        return None
    owner = User.objects.get(username=OWNER)
    gateways = Integration.objects.filter(
        kind=IntegrationKind.PAYMENT, institution__in=[ticket.institution for ticket in tickets]
    )
    problem = create_problem(
        actor=owner,
        details=ProblemDetails(
            title="Online fee payments stay unpaid: gateway callbacks dropped",
            integrations=list(gateways),
            root_cause=ROOT_CAUSE,
            workaround=WORKAROUND,
            owner=owner,
        ),
        tickets=tickets,
    )
    change_problem_status(problem=problem, actor=owner, status=ProblemStatus.KNOWN_ERROR)
    publish_workaround(problem=problem, actor=owner)
    return problem


def _one_per_institution(tickets: QuerySet[Ticket]) -> list[Ticket]:
    chosen: dict[int, Ticket] = {}
    for ticket in tickets.select_related("institution").order_by("pk"):
        chosen.setdefault(ticket.institution_id, ticket)
    return list(chosen.values())[:2]

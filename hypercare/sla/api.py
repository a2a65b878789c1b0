"""SLA endpoint: a ticket's clocks with how their due times came about, for support staff."""

from typing import Any

from django.http import HttpRequest
from ninja import Router
from pydantic import Field

from hypercare import access
from hypercare.api.common import actor, errors
from hypercare.errors import NotAllowed
from hypercare.sla.selectors import clock_explanation, governing_policy
from hypercare.tickets.api import NO_TICKET
from hypercare.tickets.schemas import SlaOut, TicketSummaryOut
from hypercare.tickets.selectors import get_visible_ticket_by_ref

router = Router(tags=["sla"])


class SlaExplainedOut(SlaOut):
    policy: str | None = Field(description="The SLA policy that governs the ticket.")
    steps: list[str] = Field(
        description="How the due times came about, step by step: the ticket's own timeline "
        "replayed under its policy and calendar."
    )


@router.get(
    "/tickets/{ticket_ref}/sla",
    response={
        200: SlaExplainedOut,
        **errors(401, not_found=NO_TICKET, forbidden="The SLA explanation is for support staff."),
    },
)
def explain_sla(request: HttpRequest, ticket_ref: str) -> dict[str, Any]:
    """The ticket's SLA clocks and their explanation, as the desk's SLA panel shows them."""
    user = actor(request)
    ticket = get_visible_ticket_by_ref(user, ticket_ref)
    if not access.can_see_internal(user):
        raise NotAllowed("The SLA explanation is for support staff.")
    policy = governing_policy(ticket.institution_id)
    return {
        **TicketSummaryOut.resolve_sla(ticket),
        "policy": policy.name if policy else None,
        "steps": list(clock_explanation(user, ticket)),
    }

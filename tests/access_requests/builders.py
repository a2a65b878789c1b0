"""Access tickets and requests at each step, built through the services."""

from datetime import date

from hypercare.access_requests.choices import AccessAction
from hypercare.access_requests.models import AccessRequest
from hypercare.access_requests.services.requests import (
    RequestDetails,
    decide_access_request,
    open_access_request,
    record_done_in_erp,
)
from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from hypercare.tickets.choices import Category, Channel
from hypercare.tickets.models import Ticket
from tests import factories


def approval_owner(institution: Institution, username: str = "aoife") -> User:
    return factories.user(
        Role.APPROVAL_OWNER,
        institution=institution,
        username=username,
        first_name="Aoife",
        last_name="Approver",
    )


def access_ticket(
    requester: User, *, action: str = "add", role: str = "Fee clerk", actor: User | None = None
) -> Ticket:
    """``requester``'s access ticket, filed by ``actor`` for them (an agent taking a call)
    when given, else by the requester."""
    return factories.ticket(
        requester,
        actor=actor,
        channel=Channel.PHONE if actor else Channel.PORTAL,
        title="Fee clerk access for a new colleague",
        category=Category.ACCESS,
        category_details={"action": action, "user": "Priya Nair", "role": role},
    )


def requested(
    requester: User,
    agent: User,
    *,
    person_name: str = "Priya Nair",
    role: str = "Fee clerk",
    effective_on: date = date(2026, 12, 1),
    ends_on: date | None = None,
) -> AccessRequest:
    return open_access_request(
        ticket=access_ticket(requester),
        actor=agent,
        details=RequestDetails(
            action=AccessAction.ADD,
            role=role,
            effective_on=effective_on,
            person_name=person_name,
            erp_login=person_name.split()[0].lower(),
            ends_on=ends_on,
        ),
    )


def done(requester: User, agent: User, approver: User, **kwargs: object) -> AccessRequest:
    request = requested(requester, agent, **kwargs)  # type: ignore[arg-type]
    decide_access_request(request=request, actor=approver, approve=True)
    return record_done_in_erp(request=request, actor=agent)


def ticket_of(request: AccessRequest) -> Ticket:
    assert request.ticket is not None
    return request.ticket

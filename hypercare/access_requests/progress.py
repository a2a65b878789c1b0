"""Where an access ticket is in its workflow: request, approval, done in the ERP."""

from hypercare.access_requests.choices import RequestStatus
from hypercare.access_requests.models import AccessRequest
from hypercare.access_requests.selectors import approval_owners, ticket_request
from hypercare.tickets.models import Ticket
from hypercare.tickets.workflows import Progress


def access_progress(ticket: Ticket) -> Progress:
    request = ticket_request(ticket)
    if request is None:
        return Progress(
            step="access_request",
            waiting_for="Waiting for support staff to record the access request.",
        )
    taken = [_recorded(request)]
    if request.status == RequestStatus.AWAITING_APPROVAL:
        return Progress("approval", f"Waiting for approval from {_approvers(request)}.", (*taken,))
    if request.status == RequestStatus.REJECTED:
        return Progress(
            "access_request",
            f"{request.reference} was rejected by {request.decided_by}: record a new "
            "request if it is still needed.",
            (*taken,),
        )
    taken.append(f"Approved by {request.decided_by}")
    if request.status == RequestStatus.APPROVED:
        return Progress(
            "done_in_erp",
            "Waiting for a tier 1 or 2 agent to make the change in the ERP.",
            (*taken,),
        )
    taken.append(f"Done in the ERP by {request.done_by}")
    return Progress("", "", (*taken,))


def _recorded(request: AccessRequest) -> str:
    who = request.requested_by or "Hypercare"
    return (
        f"Access request {request.reference} ({request.get_action_display().lower()} "
        f"{request.change_text} for {request.person_text}) recorded by {who}"
    )


def _approvers(request: AccessRequest) -> str:
    parties = {request.requested_by_id, request.person_id}
    names = [
        owner.display_name
        for owner in approval_owners(request.institution_id)
        if owner.pk not in parties
    ]
    return ", ".join(names) if names else "the institution's approval owner (none is named yet)"

"""What waits for the caller's decision, every kind in one answer."""

from django.http import HttpRequest
from ninja import Router

from hypercare.api.common import actor, errors, refuse_unknown_query
from hypercare.approvals.schemas import PendingOut
from hypercare.approvals.selectors import Waiting, waiting_for

router = Router(tags=["approvals"])


@router.get("/approvals/pending", response={200: PendingOut, **errors(401, 422)})
def pending(request: HttpRequest) -> Waiting:
    """Everything waiting for your decision, each kind oldest first: access requests (as
    approval owner), change approvals (as module owner or support manager) and
    data-correction sign-offs (as the named data owner). Only your own institution's."""
    refuse_unknown_query(request, ())
    return waiting_for(actor(request))

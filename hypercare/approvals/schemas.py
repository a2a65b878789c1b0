"""API shapes of what waits for the caller's decision: each kind in the shape its own
domain's endpoints answer."""

from ninja import Schema
from pydantic import Field

from hypercare.access_requests.schemas import AccessRequestOut
from hypercare.changes.schemas import PendingApprovalOut
from hypercare.corrections.schemas import PendingSignOffOut


class PendingOut(Schema):
    access_requests: list[AccessRequestOut] = Field(
        description="Access requests waiting for your decision as your institution's "
        "approval owner (decide with `POST /access-requests/{id}/approve` or `/reject`)."
    )
    change_approvals: list[PendingApprovalOut] = Field(
        description="Change approvals waiting for you as a module's owner or a support "
        "manager (decide with `POST /changes/{id}/approvals`)."
    )
    sign_offs: list[PendingSignOffOut] = Field(
        description="Data corrections waiting for your sign-off as the data owner their "
        "ticket names (decide with `POST /tickets/{ref}/correction/decision`)."
    )

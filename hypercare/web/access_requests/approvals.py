"""The access requests' section of the approval owner's "Approvals waiting for me" page."""

from hypercare.access_requests.selectors import awaiting_decision_of
from hypercare.accounts.models import User
from hypercare.web.approvals.sections import Section


def access_requests_waiting(user: User) -> Section:
    return Section(
        key="access",
        heading="Access requests",
        template="web/access_requests/_approvals.html",
        items=list(awaiting_decision_of(user)),
    )

"""The change requests' section of the "Approvals waiting for me" page."""

from hypercare.accounts.models import User
from hypercare.changes.selectors import pending_change_approvals
from hypercare.web.approvals.sections import Section


def changes_waiting(user: User) -> Section:
    return Section(
        key="changes",
        heading="Change requests",
        template="web/changes/_approvals.html",
        items=list(pending_change_approvals(user).select_related("change__raised_by", "module")),
    )

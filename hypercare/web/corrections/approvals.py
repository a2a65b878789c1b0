"""The data corrections' section of the "Approvals waiting for me" page: the records
waiting for the data owner's sign-off."""

from hypercare.accounts.models import User
from hypercare.corrections.selectors import awaiting_sign_off_of
from hypercare.web.approvals.sections import Section


def sign_offs_waiting(user: User) -> Section:
    return Section(
        key="sign-offs",
        heading="Data corrections to sign off",
        template="web/corrections/_approvals.html",
        items=list(awaiting_sign_off_of(user)),
    )

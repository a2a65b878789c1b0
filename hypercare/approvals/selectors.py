"""What waits for a person's decision, across the domains that ask for one: access
requests (their institution's approval owners), change approvals (a module's owners, else
support managers) and data-correction sign-offs (the data owner a ticket names).

Each domain's own selector says what waits for whom, through the access policy; this
module puts them together for the daily digest and the API, so neither defines a rule.
"""

from dataclasses import dataclass
from itertools import chain

from django.db.models import prefetch_related_objects

from hypercare.access_requests.models import AccessRequest
from hypercare.access_requests.selectors import approval_owners_waited_on, awaiting_decision_of
from hypercare.accounts.models import User
from hypercare.changes.models import ChangeApproval
from hypercare.changes.selectors import approvers_waited_on, pending_change_approvals
from hypercare.corrections.models import CorrectionRecord
from hypercare.corrections.selectors import awaiting_sign_off_of, data_owners_waited_on


@dataclass(frozen=True)
class Waiting:
    """Everything waiting for one person's decision, each kind oldest first."""

    access_requests: list[AccessRequest]
    change_approvals: list[ChangeApproval]
    sign_offs: list[CorrectionRecord]

    @property
    def count(self) -> int:
        return len(self.access_requests) + len(self.change_approvals) + len(self.sign_offs)


def waiting_for(user: User) -> Waiting:
    """What waits for ``user``'s decision, with what the API and the digest show of it
    read in a fixed number of queries."""
    return Waiting(
        access_requests=list(awaiting_decision_of(user)),
        change_approvals=list(
            pending_change_approvals(user)
            .select_related("change__release", "change__implemented_by")
            .prefetch_related("change__modules__institution", "change__institutions")
        ),
        sign_offs=list(awaiting_sign_off_of(user)),
    )


def people_waited_on() -> list[User]:
    """Everyone something may wait on, once each, in a fixed order: the people each
    domain asks for a decision. ``waiting_for`` says what waits for each of them."""
    people = {
        person.pk: person
        for person in chain(
            approval_owners_waited_on(), approvers_waited_on(), data_owners_waited_on()
        )
    }
    found = [people[pk] for pk in sorted(people)]
    prefetch_related_objects(found, "role_grants")
    return found

"""What the approvals page is made of: one section per kind of record that waits for an
approver's decision: access requests (for approval owners), change requests (for the
owners of the modules they touch) and data corrections (for the data owner a ticket
names, who signs them off). A domain adds its section to ``sources``."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hypercare.accounts.models import User


@dataclass(frozen=True)
class Section:
    """One kind of record waiting: ``template`` lists ``items`` (each links to its page)."""

    key: str
    heading: str
    template: str
    items: Sequence[object]


Source = Callable[[User], Section]


def sources() -> tuple[Source, ...]:
    # Imported here: each domain's section module imports Section from this one.
    from hypercare.web.access_requests.approvals import access_requests_waiting
    from hypercare.web.changes.approvals import changes_waiting
    from hypercare.web.corrections.approvals import sign_offs_waiting

    return (access_requests_waiting, changes_waiting, sign_offs_waiting)


def waiting_for(user: User) -> list[Section]:
    return [source(user) for source in sources()]

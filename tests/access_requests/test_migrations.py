"""The data migration that makes the ledger's earlier lines say who asked."""

from hypercare.access_requests.models import LedgerEntry
from hypercare.accounts.models import User
from tests.access_requests import builders
from tests.data_migrations import run_data_migration


def test_earlier_lines_are_asked_by_the_tickets_requester_and_keep_who_recorded_them(
    requester: User, agent: User, approver: User
) -> None:
    request = builders.done(requester, agent, approver)
    # As the ledger wrote it before: asked by the agent who keyed the request in.
    LedgerEntry.objects.filter(access_request=request).update(requested_by=agent, recorded_by=None)

    run_data_migration("access_requests", "0003_ledger_asked_by_the_tickets_requester")

    entry = LedgerEntry.objects.get(access_request=request)
    assert (entry.requested_by, entry.recorded_by) == (requester, agent)

import pytest
from django.db import connection

from hypercare.accounts.models import User
from hypercare.tickets.search_index import ensure_search_index
from hypercare.tickets.selectors import TicketFilters, ticket_list
from tests import factories


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 triggers exist on SQLite only")
def test_lost_triggers_are_recreated_and_the_index_rebuilt(requester: User, agent: User) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER tickets_ticket_fts_insert")
    ticket = factories.ticket(requester, title="Hostel allotment list empty")
    assert not ticket_list(agent, TicketFilters(text="allotment")).exists()

    ensure_search_index(connection)

    assert list(ticket_list(agent, TicketFilters(text="allotment"))) == [ticket]
    ensure_search_index(connection)  # idempotent
    assert ticket_list(agent, TicketFilters(text="allotment")).count() == 1

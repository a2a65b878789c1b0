"""What one message costs the database: the mail path runs once per message, so a
lookup it does not need is a lookup paid thousands of times an hour (bench/mail_ingest)."""

from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.accounts.selectors import with_email
from hypercare.links.services import merge_tickets
from hypercare.mail.choices import InboundStatus
from hypercare.mail.intake import known_sender
from hypercare.mail.models import MailDomain
from hypercare.notifications.choices import NotificationEvent
from hypercare.notifications.models import OutboxMessage
from tests import factories
from tests.knowledge.test_reading import HALL_TICKETS, RECEIPTS, published
from tests.mail.test_intake import mail, received


@pytest.fixture
def chidi(db: None) -> User:
    northfield = factories.institution("Northfield")
    MailDomain.objects.create(institution=northfield, domain="northfield.example.edu")
    return factories.requester(northfield, email="chidi.okafor@northfield.example.edu")


def sql_of(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


def test_a_reply_to_an_open_ticket_reads_no_links_and_asks_no_scope_of_its_requester(
    chidi: User,
) -> None:
    ticket = factories.ticket(chidi)
    with CaptureQueriesContext(connection) as captured:
        message = received(
            mail(subject=f"Re: [{ticket.reference}] Fee receipt", message_id="<r@x>")
        )
    assert message.status == InboundStatus.REPLY_ADDED
    queries = sql_of(captured)
    assert not [sql for sql in queries if "links_ticketlink" in sql]
    # The requester's own ticket is theirs without asking the database (access.can_see_ticket).
    assert not [sql for sql in queries if sql.startswith('SELECT 1 AS "a" FROM "tickets_ticket"')]


def test_a_reply_to_a_merged_ticket_still_finds_the_survivor(chidi: User) -> None:
    duplicate, survivor = factories.ticket(chidi), factories.ticket(chidi)
    merge_tickets(duplicate=duplicate, survivor=survivor, actor=factories.agent())
    message = received(mail(subject=f"Re: [{duplicate.reference}] Fee receipt", message_id="<r@x>"))
    assert message.status == InboundStatus.REPLY_ADDED
    assert message.ticket_id == survivor.pk


def test_a_new_ticket_whose_text_matches_no_article_reads_no_article(chidi: User) -> None:
    published(factories.agent(Role.SUPPORT_MANAGER), HALL_TICKETS)
    with CaptureQueriesContext(connection) as captured:
        message = received(mail(subject="Payroll export fails", body="Payroll export fails."))
    assert message.status == InboundStatus.TICKET_OPENED
    # Only the search index was asked: no article row, audience or reader's scope.
    assert not [sql for sql in sql_of(captured) if '"knowledge_article' in sql]


def test_a_new_ticket_whose_text_matches_an_article_is_told_of_it(chidi: User) -> None:
    message = received(mail(subject="Fee receipt not generated", body="No receipt after paying."))
    assert message.ticket is not None
    module = message.ticket.module.code
    published(factories.agent(Role.SUPPORT_MANAGER), replace(RECEIPTS, module_code=module))
    message = received(
        mail(subject="Fee receipt not generated", body="No receipt.", message_id="<m2@x>")
    )
    received_mail = OutboxMessage.objects.get(
        event=NotificationEvent.TICKET_RECEIVED, ticket=message.ticket, recipient=chidi
    )
    assert RECEIPTS.title in received_mail.body


@pytest.mark.parametrize(
    "written", ["CHIDI.OKAFOR@northfield.example.edu", "chidi.okafor@NORTHFIELD.EXAMPLE.EDU"]
)
def test_the_sender_is_found_in_any_case(chidi: User, written: str) -> None:
    assert known_sender(written) == chidi


def test_the_sender_is_found_through_the_lower_cased_address_index(chidi: User) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL reads a table this small whole, index or not")
    sql, params = with_email("Chidi.Okafor@northfield.example.edu").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "user_email_lower" in plan

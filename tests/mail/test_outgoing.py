"""What our mail carries: threading, reply address, automatic-mail and loop headers, two bodies."""

from email import message_from_bytes
from email.message import Message

import pytest
from django.core import mail

from hypercare.accounts.models import User
from hypercare.mail.choices import InboundStatus
from hypercare.mail.models import InboundMessage, Mailbox
from hypercare.mail.outgoing import loop_marker, ticket_of_message_ids
from hypercare.mail.parsing import LOOP_HEADER
from hypercare.notifications.choices import DeliveryStatus, NotificationEvent
from hypercare.notifications.delivery import deliver_due
from hypercare.notifications.models import OutboxMessage
from hypercare.orgs.models import Institution
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.conversation import add_public_reply
from tests import factories
from tests.notifications.conftest import T0


def _sent() -> list[Message]:
    """The messages handed to the mail server, as the recipient's client parses them."""
    return [message_from_bytes(email.message().as_bytes()) for email in mail.outbox]


def _received(ticket: Ticket, message_id: str, *, mailbox: Mailbox | None = None) -> None:
    InboundMessage.objects.create(
        mailbox=mailbox,
        message_id=message_id,
        sha256=message_id.strip("<>").ljust(64, "0")[:64],
        raw=b"",
        size=0,
        received_at=ticket.created_at,
        status=InboundStatus.REPLY_ADDED,
        ticket=ticket,
    )


def _deliver() -> list[Message]:
    deliver_due(now=OutboxMessage.objects.order_by("-next_attempt_at").first().next_attempt_at)  # type: ignore[union-attr]
    return _sent()


def test_every_notification_has_our_message_id_loop_header_and_auto_submitted(
    requester: User,
) -> None:
    ticket = factories.ticket(requester)

    (sent,) = _deliver()

    queued = OutboxMessage.objects.get(ticket=ticket)
    assert sent["Message-ID"] == queued.message_id
    assert queued.message_id.endswith("@hypercare.localhost>")
    assert sent[LOOP_HEADER] == loop_marker()
    assert sent["Auto-Submitted"] == "auto-replied"
    assert ticket.reference in sent["Subject"]


def test_a_notification_caused_by_a_change_is_auto_generated(requester: User, agent: User) -> None:
    ticket = factories.ticket(requester)
    _deliver()
    mail.outbox.clear()

    add_public_reply(ticket=ticket, actor=agent, body="We are looking at it.")
    sent = _deliver()

    assert [message["Auto-Submitted"] for message in sent] == ["auto-generated"]


def test_a_reply_threads_under_the_requesters_last_message(requester: User, agent: User) -> None:
    ticket = factories.ticket(requester)
    _received(ticket, "<first@northfield.example.edu>")
    _received(ticket, "<second@northfield.example.edu>")
    _deliver()
    mail.outbox.clear()

    add_public_reply(ticket=ticket, actor=agent, body="Fixed, please check.")
    (sent,) = _deliver()

    assert sent["In-Reply-To"] == "<second@northfield.example.edu>"
    assert sent["References"].split() == [
        "<first@northfield.example.edu>",
        "<second@northfield.example.edu>",
    ]


def test_replies_go_to_the_mailbox_the_ticket_came_in_by(
    requester: User, institution: Institution
) -> None:
    Mailbox.objects.create(name="General", address="help@hypercare.example")
    own = Mailbox.objects.create(
        name="Northfield", address="erp@northfield.example.edu", institution=institution
    )
    came_in_by = Mailbox.objects.create(name="Payroll", address="payroll@hypercare.example")
    ticket = factories.ticket(requester)
    (first,) = _deliver()
    assert first["Reply-To"] == own.address

    _received(ticket, "<m1@northfield.example.edu>", mailbox=came_in_by)
    OutboxMessage.objects.update(status="pending")
    mail.outbox.clear()
    (again,) = _deliver()

    assert again["Reply-To"] == "payroll@hypercare.example"


def test_the_general_mailbox_answers_for_an_institution_without_one(requester: User) -> None:
    Mailbox.objects.create(name="General", address="help@hypercare.example")
    factories.ticket(requester)

    (sent,) = _deliver()

    assert sent["Reply-To"] == "help@hypercare.example"


def test_a_mail_has_a_text_body_and_a_sanitised_html_alternative(
    requester: User, agent: User
) -> None:
    ticket = factories.ticket(requester)
    _deliver()
    mail.outbox.clear()

    add_public_reply(
        ticket=ticket,
        actor=agent,
        body='Try this:\n\n- clear the cache\n- <script>alert("x")</script> sign in again',
    )
    (sent,) = _deliver()

    assert sent.get_content_type() == "multipart/alternative"
    text, html = (part.get_payload(decode=True) for part in sent.walk() if not part.is_multipart())
    assert isinstance(text, bytes)
    assert isinstance(html, bytes)
    assert "- clear the cache" in text.decode()
    markup = html.decode()
    assert "<li>clear the cache</li>" in markup
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup


@pytest.mark.parametrize("subject", ["Fees\r\nBcc: victim@example.com", "Fees\nX-Evil: 1"])
def test_a_line_break_never_reaches_a_header(db: None, subject: str) -> None:
    """Subjects are made one line when queued; a row that still has a break is not sent."""
    message = OutboxMessage.objects.create(
        event=NotificationEvent.PUBLIC_REPLY,
        to_email="riya@example.edu",
        subject=subject,
        body="Hello",
        dedupe_key="test:header",
        next_attempt_at=T0,
        created_at=T0,
    )

    deliver_due(now=message.next_attempt_at)

    assert mail.outbox == []
    message.refresh_from_db()
    assert message.status == DeliveryStatus.PENDING
    assert message.last_error.startswith("BadHeaderError")


def test_our_message_ids_and_received_ones_lead_back_to_their_ticket(requester: User) -> None:
    ticket = factories.ticket(requester)
    other = factories.ticket(requester)
    ours = OutboxMessage.objects.get(ticket=ticket).message_id
    _received(other, "<theirs@northfield.example.edu>")

    assert ticket_of_message_ids(["<unknown@x>", ours]) == ticket.pk
    assert ticket_of_message_ids(["<theirs@northfield.example.edu>", ours]) == other.pk
    assert ticket_of_message_ids(["<unknown@x>"]) is None
    assert ticket_of_message_ids([]) is None

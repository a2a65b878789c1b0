"""The raw source of a message received by email: a download for support staff only."""

from django.test import Client

from hypercare.accounts.models import User
from hypercare.mail.intake import process
from hypercare.mail.models import InboundMessage
from hypercare.mail.services import store_raw
from hypercare.tickets.models import Ticket


def _reply_by_mail(requester: User, ticket: Ticket) -> InboundMessage:
    raw = (
        f"From: {requester.email}\r\nSubject: Re: [{ticket.reference}] Fee receipt\r\n"
        "Message-ID: <raw-1@example.edu>\r\n\r\nStill blank.\r\n\r\n> quoted history\r\n"
    ).encode()
    return process(store_raw(raw=raw, mailbox=None).message)


def test_support_staff_download_the_raw_source_from_the_timeline(
    agent_client: Client, requester: User, ticket: Ticket
) -> None:
    message = _reply_by_mail(requester, ticket)
    url = f"/mail/messages/{message.pk}/raw/"

    page = agent_client.get(f"/desk/tickets/{ticket.pk}/")
    download = agent_client.get(url)

    assert url in page.content.decode()
    assert "quoted history" in page.content.decode()
    assert download.status_code == 200
    assert download["Content-Type"] == "message/rfc822"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.content == bytes(message.raw)


def test_institution_users_never_get_the_raw_source(
    requester_client: Client, requester: User, ticket: Ticket
) -> None:
    message = _reply_by_mail(requester, ticket)

    page = requester_client.get(f"/portal/tickets/{ticket.pk}/")

    assert requester_client.get(f"/mail/messages/{message.pk}/raw/").status_code == 404
    assert "/raw/" not in page.content.decode()
    assert "Still blank." in page.content.decode()

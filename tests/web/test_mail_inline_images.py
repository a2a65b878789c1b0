"""An image a received mail shows inline is shown in place on the ticket's timeline, served
only through the access-checked attachment download."""

import base64
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hypercare.accounts.models import User
from hypercare.mail.intake import process
from hypercare.mail.services import store_raw
from hypercare.tickets.models import Attachment, Ticket
from tests.web.conftest import PNG

CONTENT_ID = "screen.01@northfield.example.edu"


def _raw_reply(
    requester: User,
    ticket: Ticket,
    message_id: str = "<inline-1@example.edu>",
    *,
    html: bool = True,
) -> bytes:
    """The requester's reply by mail, showing a screenshot between two sentences: in its
    HTML by ``cid:``, or (``html=False``) as an image part between two text parts."""
    image = (
        f"Content-Type: image/png\r\nContent-ID: <{CONTENT_ID}>\r\n"
        "Content-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f"{base64.b64encode(PNG).decode()}\r\n"
    )
    if html:
        kind = 'multipart/related; boundary="b"; type="text/html"'
        parts = [
            "Content-Type: text/html; charset=utf-8\r\n\r\n<p>This is what I see:</p>"
            f'<p><img src="cid:{CONTENT_ID}" alt="screenshot"></p><p>After saving.</p>\r\n',
            image,
        ]
    else:
        kind = 'multipart/mixed; boundary="b"'
        parts = [
            "Content-Type: text/plain\r\n\r\nThis is what I see:\r\n",
            image,
            "Content-Type: text/plain\r\n\r\nAfter saving.\r\n",
        ]
    return (
        f"From: {requester.email}\r\nSubject: Re: [{ticket.reference}] Fee receipt\r\n"
        f"Message-ID: {message_id}\r\nMIME-Version: 1.0\r\nContent-Type: {kind}\r\n\r\n"
        + "".join(f"--b\r\n{part}" for part in parts)
        + "--b--\r\n"
    ).encode()


def _reply_with_inline_image(requester: User, ticket: Ticket, *, html: bool = True) -> Attachment:
    process(store_raw(raw=_raw_reply(requester, ticket, html=html), mailbox=None).message)
    return ticket.attachments.get()


def _received_block(page: str) -> str:
    found = re.search(r'<div class="event__body event__received">(.*?)</div>', page, re.S)
    assert found is not None, "the received message is not on the timeline"
    return found.group(1)


def test_both_ticket_pages_show_an_inline_image_where_the_html_shows_it(
    requester_client: Client, agent_client: Client, requester: User, ticket: Ticket
) -> None:
    image = _reply_with_inline_image(requester, ticket)
    url = f"/attachments/{image.pk}/"

    for page in (
        requester_client.get(f"/portal/tickets/{ticket.pk}/").content.decode(),
        agent_client.get(f"/desk/tickets/{ticket.pk}/").content.decode(),
    ):
        received = _received_block(page)
        assert f'<p><img src="{url}" alt="screenshot"></p>' in received
        assert "cid:" not in page
        before, after = received.split(url)
        assert "This is what I see:" in before
        assert "After saving." in after
    assert requester_client.get(url).status_code == 200


def test_a_text_message_shows_its_inline_images_after_the_text(
    requester_client: Client, requester: User, ticket: Ticket
) -> None:
    image = _reply_with_inline_image(requester, ticket, html=False)

    page = requester_client.get(f"/portal/tickets/{ticket.pk}/").content.decode()

    received = _received_block(page)
    text, images = received.split("<img", 1)
    assert "This is what I see:" in text
    assert "After saving." in text
    assert f'src="/attachments/{image.pk}/"' in images


def test_another_institutions_user_never_gets_the_inline_image(
    outsider_client: Client, requester: User, ticket: Ticket
) -> None:
    image = _reply_with_inline_image(requester, ticket)

    assert outsider_client.get(f"/portal/tickets/{ticket.pk}/").status_code == 404
    assert outsider_client.get(f"/attachments/{image.pk}/").status_code == 404


def test_received_messages_with_images_add_no_query_to_the_ticket_page(
    agent_client: Client, requester: User, ticket: Ticket
) -> None:
    _reply_with_inline_image(requester, ticket)
    with CaptureQueriesContext(connection) as one_message:
        agent_client.get(f"/desk/tickets/{ticket.pk}/")
    for number in (2, 3):
        raw = _raw_reply(requester, ticket, f"<inline-{number}@example.edu>")
        process(store_raw(raw=raw, mailbox=None).message)

    with CaptureQueriesContext(connection) as three_messages:
        page = agent_client.get(f"/desk/tickets/{ticket.pk}/").content.decode()

    assert page.count('class="event__body event__received"') == 3
    assert len(three_messages) == len(one_message)

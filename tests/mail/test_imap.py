"""Reading mailboxes from a real Dovecot over TLS: stored once, settled after the commit."""

import socket
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import LazySettings

from hypercare.mail.choices import AfterFetch, Security
from hypercare.mail.imap import MailboxUnreachable, poll, poll_all
from hypercare.mail.models import InboundMessage, Mailbox
from tests.imapserver import ImapServer, dovecot

pytestmark = pytest.mark.mailserver


def message(n: int) -> bytes:
    return (
        f"From: Riya <riya@northfield.example.edu>\r\n"
        f"To: support@hypercare.example\r\n"
        f"Subject: Fee receipt {n}\r\n"
        f"Message-ID: <imap-{n}@northfield.example.edu>\r\n"
        f"\r\n"
        f"Receipt {n} prints blank.\r\n"
    ).encode()


@pytest.fixture(scope="module")
def server() -> Iterator[ImapServer]:
    with dovecot() as running:
        yield running


@pytest.fixture
def trusted(settings: LazySettings, server: ImapServer) -> None:
    settings.HYPERCARE_MAIL_CA_FILE = str(server.ca_file)


@pytest.fixture
def folder() -> str:
    """Each test reads its own folder of the one server."""
    return f"Test {uuid.uuid4().hex[:8]}"


def mailbox(server: ImapServer, folder: str, **fields: Any) -> Mailbox:
    values: dict[str, Any] = {
        "name": folder,
        "address": f"{uuid.uuid4().hex[:8]}@hypercare.example",
        "host": "127.0.0.1",
        "port": server.imaps_port,
        "security": Security.TLS,
        "username": server.user,
        "password": server.password,
        "folder": folder,
    }
    values.update(fields)
    return Mailbox.objects.create(**values)


def test_a_poll_stores_each_new_message_once_and_marks_it_read(
    db: None, trusted: None, server: ImapServer, folder: str
) -> None:
    server.append(*(message(n) for n in range(3)), folder=folder)
    box = mailbox(server, folder)

    first = poll(box)
    again = poll(box)

    assert (first.fetched, first.stored) == (3, 3)
    assert (again.fetched, again.stored) == (0, 0)
    assert sorted(InboundMessage.objects.values_list("message_id", flat=True)) == [
        f"<imap-{n}@northfield.example.edu>" for n in range(3)
    ]
    assert bytes(InboundMessage.objects.get(message_id="<imap-1@northfield.example.edu>").raw) == (
        message(1)
    )
    assert server.count(folder, "UNSEEN") == 0
    assert server.count(folder) == 3
    box.refresh_from_db()
    assert box.last_polled_at is not None
    assert box.last_error == ""


def test_read_messages_can_be_moved_to_another_folder(
    db: None, trusted: None, server: ImapServer, folder: str
) -> None:
    server.append(message(1), message(2), folder=folder)
    server.append(folder=f"{folder} done")
    box = mailbox(server, folder, after_fetch=AfterFetch.MOVE, move_to=f"{folder} done")

    assert poll(box).stored == 2

    assert server.count(folder) == 0
    assert server.count(f"{folder} done") == 2


def test_read_messages_can_be_deleted(
    db: None, trusted: None, server: ImapServer, folder: str
) -> None:
    server.append(message(1), folder=folder)
    box = mailbox(server, folder, after_fetch=AfterFetch.DELETE)

    assert poll(box).stored == 1

    assert server.count(folder) == 0
    assert InboundMessage.objects.count() == 1


def test_starttls_reads_the_same_way(
    db: None, trusted: None, server: ImapServer, folder: str
) -> None:
    server.append(message(7), folder=folder)
    box = mailbox(server, folder, security=Security.STARTTLS, port=server.starttls_port)

    assert poll(box).stored == 1


def test_an_untrusted_certificate_is_reported_and_nothing_is_read(
    db: None, server: ImapServer, folder: str
) -> None:
    server.append(message(1), folder=folder)
    box = mailbox(server, folder)

    with pytest.raises(MailboxUnreachable, match="certificate"):
        poll(box)

    box.refresh_from_db()
    assert "certificate" in box.last_error
    assert server.password not in box.last_error
    assert InboundMessage.objects.count() == 0
    assert server.count(folder, "UNSEEN") == 1


def test_a_wrong_password_is_reported_without_the_password(
    db: None, trusted: None, server: ImapServer, folder: str
) -> None:
    box = mailbox(server, folder, password="not-the-password")

    assert poll_all() == {"fetched": 0, "stored": 0, "failed": 1}

    box.refresh_from_db()
    assert box.last_error.startswith("the server said")
    assert "not-the-password" not in box.last_error


@pytest.fixture
def plaintext_only() -> Iterator[int]:
    """An IMAP server that offers no STARTTLS, and records whether anyone signed in."""
    listener = socket.create_server(("127.0.0.1", 0))
    heard: list[bytes] = []

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.sendall(b"* OK IMAP4rev1 ready\r\n")
            stream = connection.makefile("rb")
            for line in stream:
                heard.append(line)
                tag = line.split(b" ", 1)[0]
                if b"CAPABILITY" in line.upper():
                    connection.sendall(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n")
                    connection.sendall(tag + b" OK done\r\n")
                else:
                    connection.sendall(tag + b" BAD no\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    listener.close()
    assert not any(b"LOGIN" in line.upper() for line in heard)


def test_a_server_without_starttls_is_refused_never_used_in_plaintext(
    db: None, plaintext_only: int
) -> None:
    box = Mailbox.objects.create(
        name="Old server",
        address="old@hypercare.example",
        host="127.0.0.1",
        port=plaintext_only,
        security=Security.STARTTLS,
        username="support",
        password="secret-passphrase",
    )

    with pytest.raises(MailboxUnreachable):
        poll(box)

    box.refresh_from_db()
    assert box.last_error
    assert "secret-passphrase" not in box.last_error

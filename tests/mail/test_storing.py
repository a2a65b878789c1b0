"""Every message is stored raw, once, before anything reads it."""

import pytest

from hypercare.mail.choices import InboundStatus
from hypercare.mail.models import InboundMessage
from hypercare.mail.parsing import message_id_of
from hypercare.mail.services import store_raw

MESSAGE = (
    b"From: Riya <riya@northfield.example.edu>\r\n"
    b"To: support@hypercare.example\r\n"
    b"Subject: Fee receipt\r\n"
    b"Message-ID: <abc.123@northfield.example.edu>\r\n"
    b"\r\n"
    b"The receipt prints blank.\r\n"
)


def test_a_message_is_stored_exactly_as_it_arrived(db: None) -> None:
    stored = store_raw(raw=MESSAGE, mailbox=None)

    assert stored.created
    message = InboundMessage.objects.get()
    assert bytes(message.raw) == MESSAGE
    assert message.size == len(MESSAGE)
    assert message.message_id == "<abc.123@northfield.example.edu>"
    assert message.status == InboundStatus.RECEIVED


def test_the_same_message_twice_is_stored_once(db: None) -> None:
    first = store_raw(raw=MESSAGE, mailbox=None)
    again = store_raw(raw=MESSAGE, mailbox=None)

    assert not again.created
    assert again.message.pk == first.message.pk
    assert InboundMessage.objects.count() == 1


def test_two_messages_sharing_a_message_id_are_both_kept(db: None) -> None:
    store_raw(raw=MESSAGE, mailbox=None)
    store_raw(raw=MESSAGE.replace(b"blank", b"empty"), mailbox=None)

    assert InboundMessage.objects.count() == 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"Subject: no id\r\n\r\nbody", ""),
        (b"Message-ID: \r\n\r\nbody", ""),
        (b"Message-ID: <" + b"x" * 400 + b"@example>\r\n\r\nbody", ""),
        (b"Message-ID:   <a@b>  \n\nbody", "<a@b>"),
        (b"garbage without any header", ""),
    ],
)
def test_the_message_id_is_read_from_the_header_block_only(raw: bytes, expected: str) -> None:
    assert message_id_of(raw) == expected

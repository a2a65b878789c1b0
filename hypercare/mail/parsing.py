"""Reading a raw message into plain values: pure functions, no database, no "now".

Everything here is bounded, so a hostile message cannot make parsing slow or large: a
header block is read only up to ``HEADER_LIMIT`` bytes.
"""

from email.parser import BytesHeaderParser
from email.policy import default as default_policy

# A header block is small; one this large is a header bomb, not mail.
HEADER_LIMIT = 256 * 1024
MESSAGE_ID_LIMIT = 255


def header_block(raw: bytes) -> bytes:
    """The message's header block (up to the first empty line), at most ``HEADER_LIMIT``."""
    head = raw[:HEADER_LIMIT]
    for separator in (b"\r\n\r\n", b"\n\n"):
        end = head.find(separator)
        if end != -1:
            return head[: end + len(separator)]
    return head


def message_id_of(raw: bytes) -> str:
    """The Message-ID as the sender wrote it (``<...>``), or "" when there is none usable."""
    headers = BytesHeaderParser(policy=default_policy).parsebytes(header_block(raw))
    try:
        value = headers.get("Message-ID")
    except (ValueError, TypeError, IndexError):
        return ""
    text = " ".join(str(value or "").split())
    return text if 0 < len(text) <= MESSAGE_ID_LIMIT else ""

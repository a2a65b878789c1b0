"""Header fields as plain values: decoded words, addresses, Message-IDs, dates.

Fields are read raw (``Message.raw_items``) and decoded here, so a mislabelled charset or
an 8-bit header (legal in no RFC, common in practice) yields odd letters, not an error.
"""

import base64
import binascii
import datetime as dt
import re
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime

from hypercare.lib.text import one_line
from hypercare.mail.parsing.charsets import decode_text
from hypercare.tickets.models import REFERENCE_PREFIX, format_reference

# A header block is small; one this large is a header bomb, not mail.
HEADER_LIMIT = 256 * 1024
MESSAGE_ID_LIMIT = 255
MAX_REFERENCES = 100
ENCODED_WORD = re.compile(r"=\?([^?\s]{1,75})\?([QqBb])\?([^?\s]*)\?=")
MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
ADDRESS = re.compile(r"[^@\s\x00-\x1f<>,;]{1,64}@[^@\s\x00-\x1f<>,;]{1,255}")
# "[HC-000123]" anywhere: after any prefixes (Re:, AW:, SV:, Fwd:, TR:, a list's "[ext]").
SUBJECT_REFERENCE = re.compile(rf"(?ai)\[{REFERENCE_PREFIX}0*([1-9][0-9]{{0,17}})\]")


@dataclass(frozen=True)
class Address:
    """A mailbox as written in a header: the address (lower case) and the display name."""

    address: str
    name: str


def header_block(raw: bytes) -> bytes:
    """The message's header block (up to the first empty line), at most ``HEADER_LIMIT``."""
    head = raw[:HEADER_LIMIT]
    for separator in (b"\r\n\r\n", b"\n\n"):
        end = head.find(separator)
        if end != -1:
            return head[: end + len(separator)]
    return head


def message_id_of(raw: bytes) -> str:
    """The Message-ID as the sender wrote it (``<...>``), or "" when there is none usable.

    Read with ``compat32``, which leaves the value as written: the default policy's header
    objects cost a third of a millisecond here, twice per message, for nothing a
    Message-ID needs."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(header_block(raw))
    text = " ".join(str(headers.get("Message-ID") or "").split())
    return text if 0 < len(text) <= MESSAGE_ID_LIMIT else ""


def fields_of(message: Message) -> dict[str, list[str]]:
    """Every header field by lower-case name, values unfolded and as text (8-bit decoded)."""
    fields: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        text = " ".join(_unescaped(str(value)).split())
        fields.setdefault(str(name).strip().lower(), []).append(text)
    return fields


def _unescaped(value: str) -> str:
    """The parser keeps 8-bit header bytes as surrogates: read them as text."""
    return decode_text(value.encode("utf-8", "surrogateescape"), None)


def first(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name)
    return values[0] if values else ""


def decode_words(value: str) -> str:
    """RFC 2047 encoded words decoded; an unreadable word is kept as written."""
    parts: list[str] = []
    position = 0
    previous_was_word = False
    for match in ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        # Whitespace between two encoded words is folding, not text (RFC 2047 section 6.2).
        if between and not (previous_was_word and not between.strip()):
            parts.append(between)
        decoded = _decoded_word(*match.groups())
        parts.append(match.group(0) if decoded is None else decoded)
        previous_was_word = decoded is not None
        position = match.end()
    parts.append(value[position:])
    return "".join(parts)


def _decoded_word(charset: str, encoding: str, text: str) -> str | None:
    charset = charset.split("*", 1)[0]  # RFC 2231 adds a language: "utf-8*en"
    try:
        if encoding in "Bb":
            data = base64.b64decode(text + "=" * (-len(text) % 4))
        else:
            data = binascii.a2b_qp(text.replace("_", " ").encode("ascii"))
    except (binascii.Error, ValueError):
        return None
    return decode_text(data, charset)


def subject_of(fields: dict[str, list[str]]) -> str:
    return one_line(decode_words(first(fields, "subject")))


def addresses(fields: dict[str, list[str]], name: str) -> tuple[Address, ...]:
    """The valid addresses of every ``name`` field, display names decoded."""
    found: list[Address] = []
    for display, address in getaddresses(fields.get(name, [])):
        if ADDRESS.fullmatch(address):
            found.append(Address(address.lower(), one_line(decode_words(display))))
    return tuple(found)


def message_ids(fields: dict[str, list[str]], name: str) -> tuple[str, ...]:
    """The ``<...>`` identifiers a field lists; for References, the last hundred."""
    found = MESSAGE_ID.findall(" ".join(fields.get(name, [])))
    return tuple(found[-MAX_REFERENCES:])


def date_of(fields: dict[str, list[str]]) -> dt.datetime | None:
    """The Date field, aware (a date without a zone is taken as UTC); None if unreadable."""
    try:
        date = parsedate_to_datetime(first(fields, "date"))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return date if date.tzinfo is not None else date.replace(tzinfo=dt.UTC)


def subject_reference(subject: str) -> str | None:
    """The ticket reference tagged in a subject (``[HC-000123]``), as the desk writes it.

    Found after any number of reply and forward prefixes in any language and case, and
    after tags a mail system adds in front; the first tag wins.
    """
    match = SUBJECT_REFERENCE.search(subject)
    return format_reference(int(match.group(1))) if match else None

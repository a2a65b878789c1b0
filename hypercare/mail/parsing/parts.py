"""Walking a parsed message's MIME tree within limits: bodies, attachments, inline images."""

import mimetypes
import posixpath
from dataclasses import dataclass, field
from email.message import Message
from email.policy import compat32

from hypercare.lib.text import one_line
from hypercare.mail.parsing.charsets import decode_text
from hypercare.mail.parsing.headers import decode_words, fields_of, first
from hypercare.mail.parsing.limits import Deadline, Limits, Unparseable

MAX_FILENAME = 200
TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})


@dataclass(frozen=True)
class MailAttachment:
    """A file carried by a message: an attachment, or an image shown in place (``inline``,
    named in the HTML by ``cid:`` + ``content_id``)."""

    filename: str
    content_type: str
    content_id: str
    data: bytes
    inline: bool


@dataclass
class Contents:
    """What the walk found, in the order the parts come."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[MailAttachment] = field(default_factory=list)


def leaves(message: Message, limits: Limits, deadline: Deadline) -> list[tuple[Message, str]]:
    """Every non-container part with its parent's type, depth-first, iteratively (no
    recursion to exhaust); refused past the depth, part-count and header limits."""
    found: list[tuple[Message, str]] = []
    stack: list[tuple[Message, str, int]] = [(message, "", 0)]
    count = 0
    while stack:
        part, parent, depth = stack.pop()
        count += 1
        if count > limits.max_parts:
            raise Unparseable(f"the message has more than {limits.max_parts} parts")
        if depth > limits.max_depth:
            raise Unparseable(f"MIME parts are nested more than {limits.max_depth} deep")
        check_part_headers(part, limits)
        deadline.check()
        kind = part.get_content_type()
        payload = part.get_payload()
        # An embedded message (forwarded as attachment, a bounce's original) is one file.
        if kind.startswith("multipart/") and isinstance(payload, list):
            children = [child for child in payload if isinstance(child, Message)]
            stack.extend((child, kind, depth + 1) for child in reversed(children))
        else:
            found.append((part, parent))
    return found


def check_part_headers(part: Message, limits: Limits) -> None:
    items = list(part.raw_items())
    if len(items) > limits.max_headers:
        raise Unparseable(f"a part has more than {limits.max_headers} header fields")
    if any(len(str(value)) > limits.max_header_length for _, value in items):
        raise Unparseable(f"a header field is longer than {limits.max_header_length // 1024} KiB")


def collect(parts: list[tuple[Message, str]]) -> Contents:
    contents = Contents()
    for part, parent in parts:
        fields = fields_of(part)
        kind = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        name = filename_of(fields)
        if kind in ("text/plain", "text/html") and disposition != "attachment" and not name:
            text = decode_text(payload_of(part), charset_of(part))
            (contents.plain if kind == "text/plain" else contents.html).append(text)
        else:
            content_id = first(fields, "content-id").strip().strip("<>")
            inline = disposition == "inline" or (
                disposition == "" and bool(content_id) and parent == "multipart/related"
            )
            data = payload_of(part)
            contents.attachments.append(
                MailAttachment(
                    filename=safe_filename(name, kind, len(contents.attachments) + 1),
                    content_type=kind,
                    content_id=one_line(content_id),
                    data=data,
                    inline=inline and kind.startswith("image/"),
                )
            )
    return contents


def charset_of(part: Message) -> str:
    value = part.get_param("charset")
    return value if isinstance(value, str) else ""


def payload_of(part: Message) -> bytes:
    """The part's content, transfer encoding undone; an embedded message as its bytes."""
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload
    inner = part.get_payload()
    if not isinstance(inner, list):
        return b""
    try:
        return b"".join(
            item.as_bytes(policy=compat32) for item in inner if isinstance(item, Message)
        )
    except (ValueError, LookupError, UnicodeError, TypeError):
        # An embedded message too broken to write back: the raw original keeps it.
        return b""


def filename_of(fields: dict[str, list[str]]) -> str:
    """The file name from Content-Disposition or Content-Type, RFC 2231 and 2047 decoded."""
    holder = Message()
    for name in ("content-disposition", "content-type"):
        if value := first(fields, name):
            holder[name] = value
    try:
        name = holder.get_filename() or ""
    except (ValueError, LookupError, UnicodeError):
        return ""
    return one_line(decode_words(str(name)))


def safe_filename(name: str, kind: str, number: int) -> str:
    """A plain file name: no folders, no control characters, not empty, not too long."""
    base = posixpath.basename(one_line(name).replace("\\", "/")).strip(". ")
    if not base:
        base = f"{'image' if kind.startswith('image/') else 'attachment'}-{number}"
        base += mimetypes.guess_extension(kind) or ".bin"
    stem, extension = posixpath.splitext(base)
    if len(base) > MAX_FILENAME:
        base = stem[: MAX_FILENAME - len(extension[:20])] + extension[:20]
    return base

"""``parse_message``: a raw message as one typed value, or ``Unparseable`` with the reason."""

import datetime as dt
import mimetypes
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.policy import compat32

from hypercare.lib.text import BODY_CONTROLS
from hypercare.mail.parsing import automatic
from hypercare.mail.parsing.bodies import html_to_text, sanitised_html, split_text
from hypercare.mail.parsing.bounces import BounceReport, bounce_of
from hypercare.mail.parsing.headers import (
    Address,
    addresses,
    date_of,
    fields_of,
    header_block,
    message_id_of,
    message_ids,
    subject_of,
)
from hypercare.mail.parsing.limits import LIMITS, Deadline, Limits, Unparseable, check_raw
from hypercare.mail.parsing.parts import (
    TNEF_TYPES,
    Contents,
    MailAttachment,
    collect,
    leaves,
    safe_filename,
)
from hypercare.mail.parsing.tnef import unpack_tnef

MAX_TNEF_UNPACKS = 3


@dataclass(frozen=True)
class ParsedMessage:
    """What a message says, decoded. Identity is ``from_address`` alone: Reply-To is kept
    to answer to, never to decide who wrote. ``automatic`` says why a program sent it
    ("" when a person did): such mail is recorded, never answered."""

    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    subject: str
    from_address: str
    from_name: str
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    date: dt.datetime | None
    automatic: str
    out_of_office: bool
    looped: bool
    # The whole text (the plain part, or the HTML as text), then cut in three.
    text: str
    new_text: str
    quoted_text: str
    signature: str
    html: str
    attachments: tuple[MailAttachment, ...]
    bounce: BounceReport | None


def parse_message(raw: bytes, limits: Limits = LIMITS) -> ParsedMessage:
    """``raw`` read within ``limits``; ``Unparseable`` (and nothing else) when it cannot be."""
    try:
        return _checked_and_parsed(raw, limits)
    except Unparseable as refusal:
        _describe(refusal, raw)
        raise


def _checked_and_parsed(raw: bytes, limits: Limits) -> ParsedMessage:
    check_raw(raw, limits)
    deadline = Deadline(limits.seconds)
    try:
        message = BytesParser(policy=compat32).parsebytes(raw)
        return _parsed(raw, message, limits, deadline)
    except Unparseable:
        raise
    except RecursionError as exc:
        raise Unparseable("MIME parts are nested too deep to read") from exc
    except Exception as exc:
        # The email package raises more kinds of error on broken input than it documents;
        # whatever it is, the message goes to quarantine with the reason, never crashes.
        raise Unparseable(f"the message could not be read ({type(exc).__name__})") from exc


def _describe(refusal: Unparseable, raw: bytes) -> None:
    """What the header block alone tells, added to a refusal (bounded: 256 KiB at most)."""
    try:
        fields = fields_of(BytesHeaderParser(policy=compat32).parsebytes(header_block(raw)))
        senders = addresses(fields, "from")
        refusal.subject = subject_of(fields)
        refusal.from_address = senders[0].address if senders else ""
        sender = senders[0] if senders else None
        refusal.automatic = automatic.automatic_reason(fields, sender, refusal.subject)
    except Exception:  # noqa: S110 (a refusal stays a refusal, with what could be told)
        pass


def _parsed(raw: bytes, message: Message, limits: Limits, deadline: Deadline) -> ParsedMessage:
    fields = fields_of(message)
    senders = addresses(fields, "from")
    sender = senders[0] if senders else None
    subject = subject_of(fields)
    contents = _unpacked(collect(leaves(message, limits, deadline)), deadline)
    deadline.check()
    html = sanitised_html("\n".join(contents.html)) if contents.html else ""
    text = "\n\n".join(contents.plain)
    # Some programs send an empty plain part beside the HTML that holds the words.
    if not text.strip():
        text = html_to_text(html)
    text = BODY_CONTROLS.sub("", text.replace("\r\n", "\n")).strip()
    parts = split_text(text)
    deadline.check()
    return ParsedMessage(
        message_id=message_id_of(raw),
        in_reply_to=message_ids(fields, "in-reply-to"),
        references=message_ids(fields, "references"),
        subject=subject,
        from_address=sender.address if sender else "",
        from_name=sender.name if sender else "",
        reply_to=addresses(fields, "reply-to"),
        to=addresses(fields, "to"),
        cc=addresses(fields, "cc"),
        date=date_of(fields),
        automatic=automatic.automatic_reason(fields, sender, subject),
        out_of_office=automatic.is_out_of_office(fields, subject),
        looped=automatic.is_looped(fields),
        text=text,
        new_text=parts.new,
        quoted_text=parts.quoted,
        signature=parts.signature,
        html=html,
        attachments=tuple(contents.attachments),
        bounce=bounce_of(message),
    )


def _unpacked(contents: Contents, deadline: Deadline) -> Contents:
    """winmail.dat replaced by the files inside it; its body used when the mail has none.

    Outlook sends one; only the first few are unpacked (each costs a process), the rest
    stay attached as they came.
    """
    attachments: list[MailAttachment] = []
    unpacks = 0
    for attachment in contents.attachments:
        is_tnef = (
            attachment.content_type in TNEF_TYPES or attachment.filename.lower() == "winmail.dat"
        )
        unpacked = None
        if is_tnef and unpacks < MAX_TNEF_UNPACKS:
            deadline.check()
            unpacks += 1
            unpacked = unpack_tnef(attachment.data)
        if unpacked is None:
            attachments.append(attachment)
            continue
        if not contents.plain and not contents.html:
            contents.plain += [unpacked.body] if unpacked.body.strip() else []
            contents.html += [unpacked.html] if unpacked.html.strip() else []
        for name, data in unpacked.files:
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            filename = safe_filename(name, kind, len(attachments) + 1)
            attachments.append(MailAttachment(filename, kind, "", data, inline=False))
    contents.attachments = attachments
    return contents

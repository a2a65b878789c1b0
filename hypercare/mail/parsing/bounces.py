"""Delivery status notifications (RFC 3464): which of our messages bounced, for whom, why."""

from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32

from hypercare.lib.text import one_line
from hypercare.mail.parsing.headers import MESSAGE_ID, fields_of, first


@dataclass(frozen=True)
class BounceReport:
    """A recipient a message could not reach. ``hard`` is a permanent failure (status 5.x.x):
    the address is wrong or gone; a soft one (4.x.x, or only delayed) may pass later."""

    original_message_id: str
    recipient: str
    action: str
    status: str
    diagnostic: str

    @property
    def hard(self) -> bool:
        return self.action == "failed" and self.status.startswith("5")


def bounce_of(message: Message) -> BounceReport | None:
    """The report of a multipart/report DSN: its first failed recipient (else its first)."""
    if message.get_content_type() != "multipart/report":
        return None
    children = [c for c in message.get_payload() if isinstance(c, Message)]
    status = next((c for c in children if c.get_content_type() == "message/delivery-status"), None)
    if status is None:
        return None
    blocks = [block for block in status.get_payload() if isinstance(block, Message)]
    recipients = [fields_of(block) for block in blocks[1:]]
    if not recipients:
        return None
    chosen = next((r for r in recipients if first(r, "action").lower() == "failed"), recipients[0])
    return BounceReport(
        original_message_id=_original_message_id(children),
        recipient=_typed_value(
            first(chosen, "final-recipient") or first(chosen, "original-recipient")
        ),
        action=first(chosen, "action").lower(),
        status=first(chosen, "status").split(" ", 1)[0],
        diagnostic=one_line(_typed_value(first(chosen, "diagnostic-code")))[:500],
    )


def _typed_value(value: str) -> str:
    """ "rfc822; someone@example.org" as "someone@example.org"."""
    return value.split(";", 1)[-1].strip()


def _original_message_id(children: list[Message]) -> str:
    for child in children:
        kind = child.get_content_type()
        payload = child.get_payload()
        if kind == "message/rfc822" and isinstance(payload, list) and payload:
            if not isinstance(payload[0], Message):
                continue
            headers = fields_of(payload[0])
        elif kind == "text/rfc822-headers":
            data = child.get_payload(decode=True)
            raw = data if isinstance(data, bytes) else b""
            headers = fields_of(BytesHeaderParser(policy=compat32).parsebytes(raw))
        else:
            continue
        found = MESSAGE_ID.findall(first(headers, "message-id"))
        return found[0] if found else ""
    return ""

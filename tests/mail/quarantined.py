"""Quarantined messages for the quarantine's tests: stored raw, then set aside as intake
would set them aside, with a reason."""

from email.message import EmailMessage

from hypercare.mail.choices import InboundStatus
from hypercare.mail.models import InboundMessage, Mailbox
from hypercare.mail.services import store_raw


def raw_mail(
    *,
    sender: str = "Stranger <stranger@elsewhere.example>",
    subject: str = "Fee receipt prints blank",
    body: str = "The receipt prints blank since this morning.",
    attachment: tuple[str, bytes] | None = None,
    number: int = 1,
) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "support@hypercare.example"
    mail["Subject"] = subject
    mail["Message-ID"] = f"<quarantined.{number}@elsewhere.example>"
    mail.set_content(body)
    if attachment is not None:
        name, data = attachment
        mail.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return mail.as_bytes()


def quarantined(
    *,
    raw: bytes | None = None,
    reason: str = "the sender belongs to no institution",
    mailbox: Mailbox | None = None,
    sender: str = "stranger@elsewhere.example",
    subject: str = "Fee receipt prints blank",
    number: int = 1,
) -> InboundMessage:
    message = store_raw(raw=raw or raw_mail(number=number, subject=subject), mailbox=mailbox)
    InboundMessage.objects.filter(pk=message.message.pk).update(
        status=InboundStatus.QUARANTINED, reason=reason, sender=sender, subject=subject
    )
    return InboundMessage.objects.get(pk=message.message.pk)


def mailbox(name: str = "Support") -> Mailbox:
    return Mailbox.objects.create(
        name=name, address=f"{name.lower()}@hypercare.example", polls=False
    )

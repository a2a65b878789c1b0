"""Write use cases of the email channel.

Every message takes three stages (STYLE's email intake): it is stored raw, in a
transaction of its own, before anything reads it (``store_raw``); it is parsed into plain
values by pure functions (``parsing``); then a ticket service is called with them.
"""

import hashlib
from dataclasses import dataclass

from django.db import IntegrityError

from hypercare.lib import clock
from hypercare.lib.transactions import use_case
from hypercare.mail.models import InboundMessage, Mailbox
from hypercare.mail.parsing import message_id_of


@dataclass(frozen=True)
class Stored:
    """The stored message, and whether this call stored it (False: seen before)."""

    message: InboundMessage
    created: bool


def store_raw(*, raw: bytes, mailbox: Mailbox | None) -> Stored:
    """Keep ``raw`` exactly as it arrived, once: the same message again changes nothing.

    Idempotent on Message-ID plus the content's SHA-256, so a retried delivery or a poll
    cut short and repeated stores nothing twice, while two different messages that share
    a Message-ID (a careless mailer) are both kept.
    """
    digest = hashlib.sha256(raw).hexdigest()
    message_id = message_id_of(raw)
    try:
        # Insert first: a message is new far more often than it is delivered again.
        with use_case():
            message = InboundMessage.objects.create(
                mailbox=mailbox,
                message_id=message_id,
                sha256=digest,
                raw=raw,
                size=len(raw),
                received_at=clock.now(),
            )
    except IntegrityError:
        # Stored before, by an earlier delivery or by another worker just now.
        message = InboundMessage.objects.get(message_id=message_id, sha256=digest)
        return Stored(message, created=False)
    return Stored(message, created=True)

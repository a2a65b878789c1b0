"""What a support manager does with a quarantined message: retry, attach, open, discard.

Each action claims the message with a conditional UPDATE (``status`` still quarantined),
so two managers acting at once never both act: the second is told it has gone. The claim
and the action's record (``QuarantineAction``) are written in one transaction.
"""

from django.db import transaction

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition
from hypercare.lib import clock
from hypercare.lib.validation import FieldErrors
from hypercare.mail.choices import InboundStatus, QuarantineStep
from hypercare.mail.models import InboundMessage, QuarantineAction
from hypercare.tickets.models import Ticket
from hypercare.tickets.services.common import require

MANAGERS_ONLY = "Only support managers and system admins handle quarantined mail."
GONE = "This message is no longer in the quarantine: someone has already handled it."
DISCARD_REASON_MAX = 1000


def discard_message(*, message: InboundMessage, actor: User, reason: str) -> InboundMessage:
    """Drop the message for good, saying why. It is kept (raw and all) but listed no more."""
    require(access.can_manage_quarantine(actor), MANAGERS_ONLY)
    errors = FieldErrors()
    note = errors.text("reason", reason, DISCARD_REASON_MAX)
    errors.check()
    with transaction.atomic(durable=True):
        _claim(message, InboundStatus.DISCARDED)
        _record(message, actor, QuarantineStep.DISCARD, note=note)
    return _fresh(message)


def _claim(message: InboundMessage, status: str, **changes: object) -> None:
    """Move the message out of the quarantine, or refuse if someone already has."""
    claimed = InboundMessage.objects.filter(pk=message.pk, status=InboundStatus.QUARANTINED).update(
        status=status, **changes
    )
    if claimed != 1:
        raise InvalidTransition(GONE)


def _record(
    message: InboundMessage,
    actor: User,
    step: str,
    *,
    ticket: Ticket | None = None,
    note: str = "",
) -> QuarantineAction:
    return QuarantineAction.objects.create(
        message=message, step=step, actor=actor, at=clock.now(), ticket=ticket, note=note
    )


def _fresh(message: InboundMessage) -> InboundMessage:
    return InboundMessage.objects.select_related("mailbox", "ticket").get(pk=message.pk)

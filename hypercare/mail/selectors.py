"""Reads of the email channel, scoped by the access policy."""

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import NotFound
from hypercare.mail.models import InboundMessage


def raw_message(user: User, pk: int) -> InboundMessage:
    """A received message with its raw source, for support staff only: to anyone else it
    does not exist (NotFound), since its headers and parts are not the ticket's text."""
    message = InboundMessage.objects.filter(pk=pk).first()
    if message is None or not access.can_read_raw_mail(user):
        raise NotFound("No such message.")
    return message

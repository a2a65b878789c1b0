"""Mail vocabularies: how a mailbox is reached, and where a received message stands."""

from django.db import models


class Security(models.TextChoices):
    """Encryption is required: a mailbox never falls back to plaintext."""

    TLS = "tls", "TLS (IMAPS, usually port 993)"
    STARTTLS = "starttls", "STARTTLS (usually port 143)"


class AfterFetch(models.TextChoices):
    """What happens to the server's copy once a message is stored (never before)."""

    FLAG = "flag", "Mark it as read"
    MOVE = "move", "Move it to another folder"
    DELETE = "delete", "Delete it"


class InboundStatus(models.TextChoices):
    RECEIVED = "received", "Received, not processed yet"
    TICKET_OPENED = "ticket_opened", "Opened a ticket"
    REPLY_ADDED = "reply_added", "Added to a ticket"
    RECORDED = "recorded", "Recorded, not answered (automatic mail)"
    QUARANTINED = "quarantined", "Quarantined"
    DISCARDED = "discarded", "Discarded"


class QuarantineStep(models.TextChoices):
    """What a person did with a quarantined message."""

    RETRY = "retry", "Retried"
    ATTACH = "attach", "Attached to a ticket"
    OPEN_TICKET = "open_ticket", "Opened a ticket"
    DISCARD = "discard", "Discarded"


class MailEventKind(models.TextChoices):
    """The mail app's timeline events (registered with ``tickets.event_kinds``)."""

    EMAIL_RECEIVED = "email_received", "Received by email"

"""Mailboxes the desk reads, and every message it received, stored raw before anything else."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from hypercare.lib.text import validate_single_line
from hypercare.mail.choices import AfterFetch, InboundStatus, QuarantineStep, Security
from hypercare.tickets.choices import Category


class Mailbox(models.Model):
    """A support address or an institution's mailbox, read over IMAP with TLS.

    Mail to it opens tickets for ``institution`` (when the sender's own institution
    cannot be told from their address), routed as ``category`` would be; ``team``, when
    set, is where its new tickets go first. The password is used to sign in and shown to
    nobody: not in the admin, not in a log, not in ``repr``.
    """

    name = models.CharField(max_length=100, unique=True, validators=[validate_single_line])
    address = models.EmailField(
        unique=True, help_text="The address people write to; replies go back to it."
    )
    host = models.CharField(max_length=255, blank=True, validators=[validate_single_line])
    port = models.PositiveIntegerField(default=993)
    security = models.CharField(max_length=10, choices=Security.choices, default=Security.TLS)
    username = models.CharField(max_length=255, blank=True, validators=[validate_single_line])
    password = models.CharField(max_length=255, blank=True)
    folder = models.CharField(max_length=255, default="INBOX", validators=[validate_single_line])
    after_fetch = models.CharField(
        max_length=10, choices=AfterFetch.choices, default=AfterFetch.FLAG
    )
    move_to = models.CharField(
        max_length=255,
        blank=True,
        validators=[validate_single_line],
        help_text="The folder read messages are moved to, when they are moved.",
    )
    institution = models.ForeignKey(
        "orgs.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mailboxes",
        help_text="Tickets from senders of no known institution are opened for this one.",
    )
    team = models.ForeignKey(
        "orgs.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="mailboxes"
    )
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.QUESTION)
    polls = models.BooleanField(
        default=True, help_text="Read over IMAP by the job engine; off for a pipe-only address."
    )
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "mailboxes"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    def __repr__(self) -> str:
        return f"<Mailbox {self.pk} {self.name!r}>"

    def clean(self) -> None:
        """A polled mailbox needs a server and a sign-in; a move needs its folder."""
        errors: dict[str, str] = {}
        if self.polls:
            for name in ("host", "username", "password"):
                if not getattr(self, name):
                    errors[name] = "Required when the mailbox is read over IMAP."
        if self.after_fetch == AfterFetch.MOVE and not self.move_to:
            errors["move_to"] = "Name the folder read messages are moved to."
        if not 1 <= self.port <= 65535:
            errors["port"] = "A port is a number from 1 to 65535."
        if errors:
            raise ValidationError(errors)


class InboundMessage(models.Model):
    """One received message, exactly as it arrived, and what became of it.

    Stored before it is parsed, in a transaction of its own, so nothing a broken or
    hostile message does can lose it. ``message_id`` and ``sha256`` together make storing
    idempotent: the same message delivered twice (an MTA retry, a poll cut short) is
    stored once.
    """

    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    message_id = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    raw = models.BinaryField()
    size = models.PositiveIntegerField()
    received_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    # What the parser could tell, for lists and the quarantine page; empty until parsed.
    sender = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=250, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was quarantined or only recorded.")
    processed_at = models.DateTimeField(null=True, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["message_id", "sha256"], name="inbound_once"),
        ]
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=Q(status=InboundStatus.RECEIVED),
                name="inbound_unprocessed",
            ),
            models.Index(
                fields=["received_at"],
                condition=Q(status=InboundStatus.QUARANTINED),
                name="inbound_quarantined",
            ),
            models.Index(
                fields=["sender", "processed_at"],
                condition=Q(status=InboundStatus.TICKET_OPENED),
                name="inbound_opened_by_sender",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id or '(no Message-ID)'} · {self.get_status_display()}"


class QuarantineAction(models.Model):
    """What a support manager did with a quarantined message, by whom and when.

    Rows are added, never changed: together they are the message's audit trail, shown on
    its quarantine page and in the API. ``ticket`` is the ticket it went to, when it went
    to one; ``note`` is the reason given for a discard.
    """

    message = models.ForeignKey(InboundMessage, on_delete=models.CASCADE, related_name="actions")
    step = models.CharField(max_length=20, choices=QuarantineStep.choices)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} by {self.actor_id} at {self.at:%Y-%m-%d %H:%M}"


class MailDomain(models.Model):
    """A mail domain of an institution: an unknown sender from it is one of its people,
    handled as the institution's ``unknown_senders`` setting says."""

    institution = models.ForeignKey(
        "orgs.Institution", on_delete=models.CASCADE, related_name="mail_domains"
    )
    domain = models.CharField(
        max_length=253,
        unique=True,
        validators=[validate_single_line],
        help_text="The part after @, e.g. northfield.example.edu (subdomains are not included).",
    )

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args: object, **kwargs: object) -> None:
        # Domains are matched case-insensitively; stored lowercase, the unique index says so.
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class BouncedAddress(models.Model):
    """An address our mail bounced from. Past the configured number of hard bounces it
    is flagged, so an admin corrects the person's address; mail is still queued to it."""

    email = models.EmailField(unique=True)
    hard_bounces = models.PositiveIntegerField(default=0)
    soft_bounces = models.PositiveIntegerField(default=0)
    last_status = models.CharField(max_length=20, blank=True)
    last_bounced_at = models.DateTimeField()
    flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "bounced addresses"
        ordering = ["-last_bounced_at"]

    def __str__(self) -> str:
        return self.email


class ShownMessage(models.Model):
    """A received message with inline images, kept to show them where it showed them.

    Belongs to the message's received-mail timeline row, so whoever may read that row sees
    it and nobody else. ``html`` is the sanitised HTML body (empty for a text message,
    whose images follow ``text``); ``images`` pairs each inline image's Content-ID ("" when
    the part had none) with the attachment it was stored as, in the message's order. The
    images are only ever served through the access-checked attachment download.
    """

    event = models.OneToOneField(
        "tickets.TicketEvent", on_delete=models.PROTECT, related_name="shown_message"
    )
    html = models.TextField(blank=True)
    text = models.TextField(blank=True)
    images = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"Message shown on {self.event}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("A received message is kept as it came")
        super().save(*args, **kwargs)

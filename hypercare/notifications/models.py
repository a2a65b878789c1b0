"""The outbox of notifications, their templates and people's preferences."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.template import Template, TemplateSyntaxError

from hypercare.lib.text import validate_single_line
from hypercare.notifications.choices import Channel, DeliveryStatus, NotificationEvent


class NotificationTemplate(models.Model):
    """Subject and body (Django template syntax) for one event, editable by admins."""

    event = models.CharField(max_length=30, choices=NotificationEvent.choices, unique=True)
    subject = models.CharField(max_length=200, validators=[validate_single_line])
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.get_event_display()

    def clean(self) -> None:
        """A template that does not compile would fail the change that notifies, not the mail."""
        errors = {}
        for field in ("subject", "body"):
            try:
                Template(getattr(self, field))
            except TemplateSyntaxError as exc:
                errors[field] = f"is not a valid template: {exc}"
        if errors:
            raise ValidationError(errors)


class NotificationPreference(models.Model):
    """A person's choice, per event, to receive it by mail, in the desk (the notification
    centre), both or neither. No row means both; ``choices.Channel`` names the four."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(max_length=30, choices=NotificationEvent.choices)
    email = models.BooleanField(default=True)
    in_app = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="preference_unique_event"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.event} · {Channel.of(email=self.email, in_app=self.in_app)}"


class InAppNotification(models.Model):
    """One notification in a person's notification centre, written by ``notify`` in the
    same transaction as its outbox mail, from the same event, cause and wording.

    ``subject`` is the rendered mail subject, which may name the ticket's title: pages
    show it only while the recipient may still see the ticket (``selectors``).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    event = models.CharField(max_length=30, choices=NotificationEvent.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(max_length=250)
    # The outbox's key for the same cause and person: queueing a cause twice adds nothing.
    dedupe_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="inapp_recipient_newest"),
            # The bell counts a person's unread ones every 30 seconds in every open tab.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="inapp_unread"
            ),
            # The retention job finds the old read ones.
            models.Index(
                fields=["read_at"], condition=Q(read_at__isnull=False), name="inapp_read_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient_id} ({'read' if self.read_at else 'unread'})"


class OutboxMessage(models.Model):
    """One email to send, written in the same transaction as the change that causes it.

    ``dedupe_key`` makes enqueuing idempotent: the same cause never queues the same
    message twice, even when two workers act on it.
    """

    event = models.CharField(max_length=30, choices=NotificationEvent.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_email = models.EmailField()
    subject = models.CharField(max_length=250)
    body = models.TextField()
    dedupe_key = models.CharField(max_length=200, unique=True)
    # Given when queued, so every retry carries the same one and a reply's In-Reply-To
    # finds this row (and its ticket) again.
    message_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    # The delivery run sending it: a random token per run, so ownership never depends on
    # two runs having different clocks.
    claim = models.CharField(max_length=32, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # A delivery status notification came back for it: when, and the status it gave
    # ("5.1.1": the address does not exist; 4.x.x: delayed or refused for now).
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_status = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status=DeliveryStatus.PENDING),
                name="outbox_pending_due",
            ),
            models.Index(
                fields=["message_id"],
                condition=~Q(message_id=""),
                name="outbox_message_id",
            ),
            models.Index(
                fields=["lease_until"],
                condition=Q(status=DeliveryStatus.SENDING),
                name="outbox_sending_lease",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.to_email} ({self.status})"

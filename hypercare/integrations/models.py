"""The work on an integration ticket: what tracing the failing transaction found, and
each time one of the integration's contacts was asked (the vendor hand-off).

The integration itself and its contacts are the institution's setup (``orgs``); the
ticket names its integration at intake (``category_details["integration_id"]``).
"""

from django.conf import settings
from django.db import models

from hypercare.lib.text import validate_single_line


class TransactionTrace(models.Model):
    """What support found tracing a failing transaction through the integration."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="traces")
    transaction_reference = models.CharField(max_length=200, validators=[validate_single_line])
    finding = models.TextField()
    traced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    traced_at = models.DateTimeField()

    class Meta:
        ordering = ["traced_at", "pk"]

    def __str__(self) -> str:
        return f"{self.transaction_reference} traced"


class ContactRequest(models.Model):
    """One of the integration's contacts asked about the ticket, by mail.

    The address is kept as it was when asked: the contact's may change later.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="contact_requests"
    )
    contact = models.ForeignKey(
        "orgs.IntegrationContact", on_delete=models.PROTECT, related_name="requests"
    )
    to_email = models.EmailField()
    message = models.TextField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField()

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.contact.name} asked"

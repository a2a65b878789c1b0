from django.db import models


class IntegrationTicketEventKind(models.TextChoices):
    """The integration workflow's steps on a ticket's timeline; internal, since a trace
    and a vendor's address are the desk's working notes."""

    TRANSACTION_TRACED = "transaction_traced", "Failing transaction traced"
    CONTACT_ASKED = "integration_contact_asked", "Integration contact asked"

"""The configuration audit: one append-only row per change to the desk's setup."""

from django.conf import settings
from django.db import models

from hypercare.audit.choices import Action, Area, Channel
from hypercare.lib.append_only import AppendOnly, AppendOnlyQuerySet


class AuditEntry(AppendOnly):
    """One change to one configuration record: who, when, through which door, and the
    changed fields' values before and after.

    The actor and the person a record concerns are kept by id and by name, without a
    database constraint: the row must outlive the people it names, and deleting a person
    must not have to change (or be refused by) an append-only table.
    """

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text="Empty when no person acted: the shell or the system.",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    area = models.CharField(max_length=20, choices=Area.choices)
    record_type = models.CharField(
        max_length=100, help_text="The model's label, e.g. sla.slapolicy."
    )
    record_type_name = models.CharField(max_length=100)
    record_id = models.CharField(max_length=40)
    record_label = models.CharField(max_length=200)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text="The person the record concerns (a role grant's holder).",
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet["AuditEntry"].as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_newest"),
            models.Index(fields=["area", "-at"], name="audit_area_time"),
            models.Index(fields=["record_type", "record_id"], name="audit_record"),
            models.Index(fields=["person", "record_type"], name="audit_person"),
        ]

    def __str__(self) -> str:
        return f"{self.record_label} {self.action} by {self.who} @ {self.at:%Y-%m-%d %H:%M}"

    @property
    def who(self) -> str:
        """The person who acted, else the door: "shell"."""
        return self.actor_name or self.channel

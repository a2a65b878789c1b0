"""Macros: several ticket actions an agent applies with one click."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from hypercare.lib.text import validate_single_line
from hypercare.tickets.choices import Priority, Status

NAME_MAX = 80
DESCRIPTION_MAX = 200
NOTE_MAX = 20_000


class Macro(models.Model):
    """A named set of steps, each optional (an empty field is a step not taken): set the
    status, priority and team; add and remove tags; reply with a saved reply;
    add an internal note. Shared by every support agent; support managers keep them."""

    name = models.CharField(max_length=NAME_MAX, validators=[validate_single_line])
    description = models.CharField(max_length=DESCRIPTION_MAX, blank=True)
    status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, blank=True)
    team = models.ForeignKey(
        "orgs.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags_to_add = models.JSONField(default=list, blank=True)
    tags_to_remove = models.JSONField(default=list, blank=True)
    # A deleted saved reply leaves its macros without the reply step rather than blocking
    # the deletion: saved replies are kept by their teams, macros by the managers.
    saved_reply = models.ForeignKey(
        "tickets.SavedReply", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="macro_name_unique_any_case"),
        ]

    def __str__(self) -> str:
        return self.name

"""Releases of the ERP, which the tickets' fixes ship in."""

from django.core.validators import RegexValidator
from django.db import models

from hypercare.lib import clock
from hypercare.orgs.choices import ModuleCode

VERSION_MAX = 40
# A letter or digit first, then letters, digits, dots, dashes, plus signs or underscores.
VERSION_CHARACTERS = r"[0-9A-Za-z][0-9A-Za-z._+-]*"
VERSION_FORMAT = RegexValidator(
    rf"^{VERSION_CHARACTERS}\Z",
    "use letters, digits, dots, dashes, plus signs or underscores, e.g. 2025.3",
)


class Release(models.Model):
    """One version of the ERP. The vendor ships one product to every institution, so a
    release belongs to none of them: every signed-in user may read it.

    Tickets are planned for it (``Ticket.release``) until it ships; shipping meets the
    "next release" resolution target of each of them. A shipped release is history and
    takes no more tickets.
    """

    version = models.CharField(max_length=VERSION_MAX, unique=True, validators=[VERSION_FORMAT])
    planned_date = models.DateField(null=True, blank=True)
    shipped_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty until it ships; set by the ship action only."
    )
    notes = models.TextField(
        blank=True,
        help_text="The general release notes. Every institution reads them: name none.",
    )
    notes_compiled_at = models.DateTimeField(
        null=True, blank=True, help_text="When its note items were last compiled."
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.version

    @property
    def is_shipped(self) -> bool:
        return self.shipped_at is not None


ITEM_TEXT_MAX = 500


class ReleaseNoteItem(models.Model):
    """One line of a release's notes: something the release resolves, compiled from a
    source (a planned ticket, a problem) and worded by the manager before shipping.

    It concerns the ``institutions`` whose work it resolves, and only they read it: its
    reference and text may name their data. ``(source, key)`` says which record it came
    from, so compiling again keeps a line the manager ``edited``.
    """

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="note_items")
    source = models.CharField(max_length=30)
    key = models.CharField(max_length=40)
    module = models.CharField(max_length=30, choices=ModuleCode.choices, blank=True)
    reference = models.CharField(max_length=40)
    text = models.CharField(max_length=ITEM_TEXT_MAX)
    edited = models.BooleanField(default=False)
    institutions = models.ManyToManyField("orgs.Institution", related_name="+")

    class Meta:
        ordering = ["module", "reference", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "source", "key"], name="release_note_item_unique_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.release} · {self.reference}"

"""Releases of the ERP, which the tickets' fixes ship in."""

from django.core.validators import RegexValidator
from django.db import models

from hypercare.lib import clock

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
        blank=True, help_text="Release notes. Every institution reads them: name none."
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.version

    @property
    def is_shipped(self) -> bool:
        return self.shipped_at is not None

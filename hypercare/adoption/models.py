"""How much an institution's people use the ERP modules it went live on, as the ERP
reports it: Hypercare has no ERP sign-ins of its own, so an ERP feed (or a support
agent's upload) sends the daily figures."""

from django.conf import settings
from django.db import models


class ModuleUsage(models.Model):
    """The people of an institution who used one of its ERP modules on one day. One row a
    module a day: a later report of the same day replaces the figure, so a feed may send
    a day again."""

    module = models.ForeignKey("orgs.Module", on_delete=models.CASCADE, related_name="usage")
    day = models.DateField()
    active_users = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "module"]
        verbose_name_plural = "module usage"
        constraints = [
            models.UniqueConstraint(fields=["module", "day"], name="module_usage_one_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.module} · {self.day}: {self.active_users}"

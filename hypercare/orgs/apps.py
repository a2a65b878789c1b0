from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _install_revision_triggers(using: str, **kwargs: Any) -> None:
    from hypercare.orgs.setup_cache import install_revision_triggers

    install_revision_triggers(connections[using])


class OrgsConfig(AppConfig):
    name = "hypercare.orgs"
    verbose_name = "Institutions and teams"

    def ready(self) -> None:
        # Schema upkeep, not domain flow: the setup cache's triggers (see setup_cache).
        post_migrate.connect(_install_revision_triggers, sender=self)

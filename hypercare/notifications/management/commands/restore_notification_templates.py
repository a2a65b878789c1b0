"""``hypercare manage restore_notification_templates``: bring back missing templates.

The admin edits templates but never adds or deletes them; a row lost anyway (deleted in a
database shell, flushed) is recreated here with the built-in wording. Until then its
notifications use that same wording and log a warning.
"""

from typing import Any

from django.core.management.base import BaseCommand

from hypercare.notifications.services import restore_missing_templates


class Command(BaseCommand):
    help = (
        "Recreate the notification template of every event that has none, with the "
        "built-in wording; existing templates are left as they are."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        restored = restore_missing_templates()
        if restored:
            self.stdout.write(f"Restored the notification templates {', '.join(restored)}.")
        else:
            self.stdout.write("Every notification template is there; nothing to restore.")

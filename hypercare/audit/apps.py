from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hypercare.audit"
    verbose_name = "Configuration audit"

    def ready(self) -> None:
        from hypercare.audit import recording

        recording.watch_configuration()

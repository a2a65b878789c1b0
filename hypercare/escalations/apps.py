from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "hypercare.escalations"
    verbose_name = "Escalations"

    def ready(self) -> None:
        from hypercare.escalations import events
        from hypercare.escalations.choices import EscalationEventKind
        from hypercare.tickets import event_kinds

        event_kinds.register(EscalationEventKind, events.SENTENCES)

from django.apps import AppConfig


class MacrosConfig(AppConfig):
    name = "hypercare.macros"
    verbose_name = "Macros"

    def ready(self) -> None:
        from hypercare.macros import events
        from hypercare.macros.choices import MacroEventKind
        from hypercare.tickets import event_kinds

        event_kinds.register(MacroEventKind, events.SENTENCES)

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "hypercare.incidents"
    verbose_name = "Major incidents"

    def ready(self) -> None:
        from hypercare.incidents import events
        from hypercare.incidents.choices import IncidentTicketEventKind
        from hypercare.tickets import event_kinds

        event_kinds.register(IncidentTicketEventKind, events.SENTENCES)

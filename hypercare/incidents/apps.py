from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "hypercare.incidents"
    verbose_name = "Major incidents"

    def ready(self) -> None:
        from hypercare.incidents import events
        from hypercare.incidents.choices import IncidentTicketEventKind
        from hypercare.incidents.workflow import incident_progress
        from hypercare.tickets import event_kinds, workflows
        from hypercare.tickets.choices import Category

        event_kinds.register(IncidentTicketEventKind, events.SENTENCES)
        workflows.register(Category.INCIDENT, incident_progress)

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "hypercare.integrations"
    verbose_name = "Integration tickets"

    def ready(self) -> None:
        from hypercare.integrations import events
        from hypercare.integrations.choices import IntegrationTicketEventKind
        from hypercare.integrations.workflow import integration_progress
        from hypercare.tickets import event_kinds, workflows
        from hypercare.tickets.choices import Category

        event_kinds.register(IntegrationTicketEventKind, events.SENTENCES)
        workflows.register(Category.INTEGRATION, integration_progress)

from django.apps import AppConfig


class AccessRequestsConfig(AppConfig):
    name = "hypercare.access_requests"
    verbose_name = "Access requests"

    def ready(self) -> None:
        from hypercare.access_requests import events, progress
        from hypercare.access_requests.choices import AccessTicketEventKind
        from hypercare.tickets import event_kinds, workflows
        from hypercare.tickets.choices import Category

        event_kinds.register(AccessTicketEventKind, events.TICKET_SENTENCES)
        workflows.register(Category.ACCESS, progress.access_progress)

from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "hypercare.changes"
    verbose_name = "Change requests"

    def ready(self) -> None:
        from hypercare.changes import events, release
        from hypercare.changes.choices import ChangeTicketEventKind
        from hypercare.changes.workflow import change_progress
        from hypercare.releases import sources
        from hypercare.tickets import event_kinds, workflows
        from hypercare.tickets.choices import Category

        event_kinds.register(ChangeTicketEventKind, events.TICKET_SENTENCES)
        workflows.register(Category.CONFIGURATION, change_progress)
        sources.register("change_request", release.changes_in)
        sources.on_shipping(release.record_changes_shipped)

from django.apps import AppConfig


class CorrectionsConfig(AppConfig):
    name = "hypercare.corrections"
    verbose_name = "Data corrections"

    def ready(self) -> None:
        from hypercare.corrections import events, selectors, services
        from hypercare.corrections.choices import CorrectionEventKind
        from hypercare.tickets import event_kinds, workflows
        from hypercare.tickets.choices import Category

        event_kinds.register(CorrectionEventKind, events.SENTENCES)
        workflows.register(Category.DATA_CORRECTION, selectors.correction_progress)
        workflows.on_new_answers(Category.DATA_CORRECTION, services.follow_data_owner)

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "hypercare.feedback"
    verbose_name = "Product feedback"

    def ready(self) -> None:
        from hypercare.feedback import events
        from hypercare.feedback.choices import IdeaTicketEventKind
        from hypercare.feedback.workflow import enhancement_progress
        from hypercare.tickets import event_kinds, workflows
        from hypercare.tickets.choices import Category

        event_kinds.register(IdeaTicketEventKind, events.SENTENCES)
        workflows.register(Category.ENHANCEMENT, enhancement_progress)

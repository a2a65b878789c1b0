from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "hypercare.knowledge"
    verbose_name = "Knowledge and training"

    def ready(self) -> None:
        from hypercare.knowledge import events
        from hypercare.knowledge.choices import KnowledgeTicketEventKind
        from hypercare.knowledge.workflow import question_progress
        from hypercare.tickets import event_kinds, workflows
        from hypercare.tickets.choices import Category

        event_kinds.register(KnowledgeTicketEventKind, events.SENTENCES)
        workflows.register(Category.QUESTION, question_progress)

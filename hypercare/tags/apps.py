from django.apps import AppConfig


class TagsConfig(AppConfig):
    name = "hypercare.tags"
    verbose_name = "Ticket tags"

    def ready(self) -> None:
        from hypercare.tags import events
        from hypercare.tags.choices import TagEventKind
        from hypercare.tickets import event_kinds

        event_kinds.register(TagEventKind, events.SENTENCES)

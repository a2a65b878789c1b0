from django.apps import AppConfig


class LinksConfig(AppConfig):
    name = "hypercare.links"
    verbose_name = "Links between tickets"

    def ready(self) -> None:
        from hypercare.links import events
        from hypercare.links.choices import LinkEventKind
        from hypercare.tickets import event_kinds

        event_kinds.register(LinkEventKind, events.SENTENCES)

from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "hypercare.releases"
    verbose_name = "Releases"

    def ready(self) -> None:
        from hypercare.releases import events, sources
        from hypercare.releases.choices import ReleaseEventKind
        from hypercare.tickets import event_kinds

        event_kinds.register(ReleaseEventKind, events.SENTENCES)
        sources.register(sources.TICKET_SOURCE, sources.planned_tickets)

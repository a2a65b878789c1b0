from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "hypercare.sla"
    verbose_name = "Service levels"

    def ready(self) -> None:
        from hypercare import setup_cache
        from hypercare.sla import events
        from hypercare.sla.choices import SlaEventKind
        from hypercare.sla.models import Calendar, ClosureDay, SlaPolicy, SlaTarget
        from hypercare.tickets import event_kinds

        event_kinds.register(SlaEventKind, events.SENTENCES)
        for model in (SlaPolicy, SlaTarget, Calendar, ClosureDay):
            setup_cache.track(model)

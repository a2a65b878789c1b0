from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "hypercare.problems"
    verbose_name = "Problems"

    def ready(self) -> None:
        from hypercare.problems import events
        from hypercare.problems.choices import ProblemTicketEventKind
        from hypercare.problems.services import fix
        from hypercare.releases import sources
        from hypercare.tickets import event_kinds

        event_kinds.register(ProblemTicketEventKind, events.TICKET_SENTENCES)
        sources.on_shipping(fix.resolve_problems_fixed_in)
        sources.register("problem", fix.problems_fixed_in)

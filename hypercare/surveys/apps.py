from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "hypercare.surveys"
    verbose_name = "Satisfaction surveys"

    def ready(self) -> None:
        from hypercare.surveys import events
        from hypercare.surveys.choices import SurveyTicketEventKind
        from hypercare.surveys.services import ask_for_rating
        from hypercare.tickets import event_kinds, resolution

        event_kinds.register(SurveyTicketEventKind, events.SENTENCES)
        resolution.register(ask_for_rating)

from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "hypercare.mail"
    verbose_name = "Email"

    def ready(self) -> None:
        from hypercare.mail import events
        from hypercare.mail.choices import MailEventKind
        from hypercare.tickets import event_kinds

        event_kinds.register(MailEventKind, events.SENTENCES)

from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "hypercare.escalations"
    verbose_name = "Escalations"

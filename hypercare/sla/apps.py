from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "hypercare.sla"
    verbose_name = "Service levels"

from django.apps import AppConfig


class HandoverConfig(AppConfig):
    name = "hypercare.handover"
    verbose_name = "Handover and hypercare exit"

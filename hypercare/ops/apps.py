from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "hypercare.ops"
    verbose_name = "Operations"

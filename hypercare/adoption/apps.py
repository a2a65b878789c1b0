from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    name = "hypercare.adoption"
    verbose_name = "Module adoption"

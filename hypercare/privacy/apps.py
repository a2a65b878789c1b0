from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "hypercare.privacy"
    verbose_name = "Data protection"

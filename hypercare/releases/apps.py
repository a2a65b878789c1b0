from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "hypercare.releases"
    verbose_name = "Releases"

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "hypercare.orgs"
    verbose_name = "Institutions and teams"

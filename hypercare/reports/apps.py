from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "hypercare.reports"
    verbose_name = "Reports"

from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "hypercare.approvals"
    verbose_name = "Approvals"

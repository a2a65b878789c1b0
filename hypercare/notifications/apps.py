from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "hypercare.notifications"
    verbose_name = "Notifications"

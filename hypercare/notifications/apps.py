from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "hypercare.notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from hypercare import setup_cache
        from hypercare.notifications.models import NotificationTemplate

        setup_cache.track(NotificationTemplate)

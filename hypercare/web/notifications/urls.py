from hypercare.web.errors import page
from hypercare.web.notifications import views

urlpatterns = [
    page("notifications/", views.notifications, "notifications"),
    page("notifications/bell/", views.bell, "notification-bell"),
    page("notifications/read-all/", views.read_all, "notifications-read-all"),
    page("notifications/<int:pk>/open/", views.open_notification, "notification-open"),
    page("notifications/<int:pk>/read/", views.read_notification, "notification-read"),
]

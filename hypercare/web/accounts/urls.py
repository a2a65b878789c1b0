from hypercare.web.accounts import views
from hypercare.web.errors import page

urlpatterns = [
    page("account/", views.profile, "profile"),
    page("account/notifications/", views.notification_settings, "notification-settings"),
]

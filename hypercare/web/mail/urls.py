from hypercare.web.errors import page
from hypercare.web.mail import views

urlpatterns = [
    page("desk/mail/quarantine/", views.quarantine_list, "mail-quarantine"),
    page("desk/mail/messages/<int:pk>/", views.message_page, "mail-message"),
    page("desk/mail/messages/<int:pk>/raw/", views.message_raw, "mail-message-raw"),
    page("desk/mail/messages/<int:pk>/<str:action>/", views.message_action, "mail-action"),
]

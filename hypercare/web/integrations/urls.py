from hypercare.web.errors import page
from hypercare.web.integrations import views

urlpatterns = [
    page("desk/tickets/<int:pk>/integration/traces/", views.record_trace, "desk-trace"),
    page("desk/tickets/<int:pk>/integration/ask/", views.ask_contact, "desk-ask-contact"),
]

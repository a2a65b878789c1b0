from hypercare.web.errors import page
from hypercare.web.incidents import views

urlpatterns = [
    page("desk/incidents/", views.incident_list, "incidents"),
    page("desk/incidents/declare/", views.declare, "incident-declare"),
    page("desk/incidents/attach/", views.attach_tickets, "incident-attach-tickets"),
    page("desk/incidents/<int:pk>/", views.incident_page, "incident"),
    page("desk/incidents/<int:pk>/children/", views.attach, "incident-attach"),
    page("desk/incidents/<int:pk>/detach/", views.detach, "incident-detach"),
    page("desk/incidents/<int:pk>/update/", views.post_update, "incident-update"),
    page("desk/incidents/<int:pk>/resolve/", views.resolve, "incident-resolve"),
    page("desk/incidents/<int:pk>/resolve-by/", views.change_resolve_by, "incident-resolve-by"),
]

from hypercare.web.errors import page
from hypercare.web.sla import views

urlpatterns = [
    page("desk/tickets/<int:pk>/sla/", views.sla_part, "desk-sla"),
]

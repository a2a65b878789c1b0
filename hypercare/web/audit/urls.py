from hypercare.web.audit import views
from hypercare.web.errors import page

urlpatterns = [
    page("desk/audit/", views.audit_list, "audit"),
]

from hypercare.web.approvals import views
from hypercare.web.errors import page

urlpatterns = [page("portal/approvals/", views.approvals, "approvals")]

from hypercare.web.errors import page
from hypercare.web.releases import views

urlpatterns = [
    page("desk/tickets/<int:pk>/release/", views.plan_release, "desk-release"),
]

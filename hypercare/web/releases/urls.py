from hypercare.web.errors import page
from hypercare.web.releases import views

urlpatterns = [
    page("desk/releases/", views.releases, "releases"),
    page("desk/releases/<int:pk>/ship/", views.ship, "release-ship"),
    page("desk/tickets/<int:pk>/release/", views.plan_release, "desk-release"),
]

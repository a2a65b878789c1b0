from hypercare.web.errors import page
from hypercare.web.orgs import views

urlpatterns = [
    page("desk/availability/", views.my_availability, "availability"),
]

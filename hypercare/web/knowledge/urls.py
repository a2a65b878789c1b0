from hypercare.web.errors import page
from hypercare.web.knowledge import views

urlpatterns = [
    page("desk/tickets/<int:pk>/training-gap/", views.flag, "desk-training-gap"),
    page("desk/tickets/<int:pk>/training-gap/clear/", views.clear, "desk-training-gap-clear"),
]

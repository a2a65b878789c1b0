from hypercare.web.errors import page
from hypercare.web.links import views

urlpatterns = [
    page("desk/tickets/<int:pk>/links/", views.add_link, "desk-link"),
    page("desk/tickets/<int:pk>/links/<int:link_pk>/remove/", views.remove_link, "desk-unlink"),
    page("desk/tickets/<int:pk>/merge/", views.merge, "desk-merge"),
    page("desk/tickets/<int:pk>/split/<int:event_pk>/", views.split, "desk-split"),
]

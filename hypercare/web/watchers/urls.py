from hypercare.web.errors import page
from hypercare.web.watchers import views

urlpatterns = [
    page("desk/tickets/<int:pk>/watchers/", views.desk_add, "desk-watch"),
    page(
        "desk/tickets/<int:pk>/watchers/<int:user_pk>/remove/",
        views.desk_remove,
        "desk-unwatch",
    ),
    page("desk/tickets/<int:pk>/mentionable/", views.desk_mentionable, "desk-mentionable"),
    page("portal/tickets/<int:pk>/watchers/", views.portal_add, "portal-watch"),
    page(
        "portal/tickets/<int:pk>/watchers/<int:user_pk>/remove/",
        views.portal_remove,
        "portal-unwatch",
    ),
]

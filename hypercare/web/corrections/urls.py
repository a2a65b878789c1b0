from hypercare.web.corrections import views
from hypercare.web.errors import page

urlpatterns = [
    page("desk/tickets/<int:pk>/correction/", views.edit_record, "desk-correction"),
    page(
        "desk/tickets/<int:pk>/correction/sign-off-request/",
        views.request_sign_off,
        "desk-correction-sign-off-request",
    ),
    page(
        "desk/tickets/<int:pk>/correction/applied/",
        views.record_applied,
        "desk-correction-applied",
    ),
    page(
        "portal/tickets/<int:pk>/correction/decision/", views.decide, "portal-correction-decision"
    ),
    page("portal/tickets/<int:pk>/correction/verify/", views.verify, "portal-correction-verify"),
]

from hypercare.web.errors import page
from hypercare.web.escalations import views

urlpatterns = [
    page("portal/tickets/<int:pk>/escalate/", views.portal_request, "portal-escalate"),
    page("desk/escalations/", views.daily_review, "escalations"),
    page(
        "desk/tickets/<int:pk>/escalation/<str:step>/",
        views.escalation_step,
        "desk-escalation",
    ),
]

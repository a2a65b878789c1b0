from hypercare.web.errors import page
from hypercare.web.problems import views

urlpatterns = [
    page("desk/problems/", views.problems, "problems"),
    page("desk/problems/new/", views.new_problem, "problem-new"),
    page("desk/problems/<int:pk>/", views.problem_page, "problem"),
    page("desk/problems/<int:pk>/status/", views.change_status, "problem-status"),
    page("desk/problems/<int:pk>/publish/", views.publish, "problem-publish"),
    page("desk/problems/<int:pk>/release/", views.plan_fix, "problem-release"),
    page("desk/problems/<int:pk>/tickets/", views.link, "problem-link"),
    page("desk/problems/<int:pk>/tickets/<int:ticket_pk>/unlink/", views.unlink, "problem-unlink"),
    page("desk/problems/<int:pk>/incidents/", views.link_incident, "problem-incident-link"),
    page(
        "desk/problems/<int:pk>/incidents/<int:incident_pk>/unlink/",
        views.unlink_incident,
        "problem-incident-unlink",
    ),
    page("desk/tickets/<int:pk>/problem/", views.link_from_ticket, "desk-ticket-problem"),
]

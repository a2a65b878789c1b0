from hypercare.web.changes import views
from hypercare.web.errors import page

urlpatterns = [
    page("changes/", views.changes, "changes"),
    page("changes/new/", views.new_change, "change-new"),
    page("changes/calendar/", views.calendar, "change-calendar"),
    page("changes/approvals/", views.pending, "change-approvals"),
    page("changes/files/<int:pk>/", views.evidence_file, "change-file"),
    page("changes/<int:pk>/", views.change_page, "change"),
    page("changes/<int:pk>/submit/", views.submit, "change-submit"),
    page("changes/<int:pk>/decide/", views.decide, "change-decide"),
    page("changes/<int:pk>/evidence/", views.evidence, "change-evidence"),
    page("changes/<int:pk>/implementation/", views.implementation, "change-implementation"),
    page("changes/<int:pk>/cancel/", views.cancel, "change-cancel"),
    page("changes/<int:pk>/release/", views.release, "change-release"),
    page("changes/<int:pk>/tickets/", views.link_ticket, "change-link-ticket"),
    page(
        "changes/<int:pk>/tickets/<int:ticket_pk>/unlink/",
        views.unlink_ticket,
        "change-unlink-ticket",
    ),
    page("changes/<int:pk>/problems/", views.link_problem, "change-link-problem"),
    page(
        "changes/<int:pk>/problems/<int:problem_pk>/unlink/",
        views.unlink_problem,
        "change-unlink-problem",
    ),
]

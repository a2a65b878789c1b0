from hypercare.web.access_requests import views
from hypercare.web.errors import page

urlpatterns = [
    page("desk/access-requests/", views.access_requests, "access-requests"),
    page("desk/access-requests/<int:pk>/", views.access_request_page, "access-request"),
    page("desk/access-requests/<int:pk>/done/", views.record_done, "access-request-done"),
    page("desk/tickets/<int:pk>/access-request/", views.new_from_ticket, "desk-ticket-access"),
    page("desk/access-reviews/", views.desk_reviews, "access-reviews"),
    page(
        "desk/access-reviews/institutions/<int:institution_pk>/",
        views.desk_institution_reviews,
        "access-reviews-institution",
    ),
    page("desk/access-reviews/<int:pk>/", views.desk_review, "access-review"),
    page("desk/access-ledger/", views.desk_ledger, "access-ledger"),
    page("desk/access-ledger/export.csv", views.desk_ledger_csv, "access-ledger-csv"),
    page("desk/access-ledger/export.xlsx", views.desk_ledger_xlsx, "access-ledger-xlsx"),
    page("portal/access-requests/<int:pk>/", views.portal_access_request, "portal-access-request"),
    page(
        "portal/access-requests/<int:pk>/decide/",
        views.decide,
        "portal-access-request-decide",
    ),
    page("portal/access-ledger/", views.portal_ledger, "portal-access-ledger"),
    page("portal/access-ledger/export.csv", views.portal_ledger_csv, "portal-access-ledger-csv"),
    page("portal/access-ledger/export.xlsx", views.portal_ledger_xlsx, "portal-access-ledger-xlsx"),
    page("portal/access-reviews/", views.portal_reviews, "portal-access-reviews"),
    page("portal/access-reviews/<int:pk>/", views.portal_review, "portal-access-review"),
    page(
        "portal/access-reviews/<int:pk>/lines/<int:line_pk>/",
        views.answer_line,
        "portal-access-review-line",
    ),
]

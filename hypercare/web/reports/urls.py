from hypercare.web.errors import page
from hypercare.web.reports import views

urlpatterns = [
    page("reports/", views.dashboard_page, "reports"),
    page("reports/recurring/", views.recurring_page, "report-recurring"),
    page("reports/tickets/", views.tickets_page, "report-tickets"),
]

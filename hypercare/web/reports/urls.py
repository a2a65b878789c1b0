from hypercare.web.errors import page
from hypercare.web.reports import packs, views

urlpatterns = [
    page("reports/", views.dashboard_page, "reports"),
    page("reports/recurring/", views.recurring_page, "report-recurring"),
    page("reports/time/", views.time_spent_page, "report-time"),
    page("reports/tickets/", views.tickets_page, "report-tickets"),
]
urlpatterns += [
    page("reports/packs/", packs.pack_list, "report-packs"),
    page("reports/packs/build/", packs.build, "report-pack-build"),
    page("reports/packs/<int:pack_pk>/", packs.pack_page, "report-pack"),
    page("reports/packs/<int:pack_pk>/status/", packs.pack_status, "report-pack-status"),
    page("reports/packs/<int:pack_pk>/notes/", packs.write_notes, "report-pack-notes"),
    page("reports/packs/<int:pack_pk>/<str:kind>/", packs.download, "report-pack-file"),
    page("reports/pack-schedules/", packs.schedule_list, "report-pack-schedules"),
    page("reports/pack-schedules/new/", packs.schedule, "report-pack-schedule"),
    page(
        "reports/pack-schedules/<int:schedule_pk>/stop/",
        packs.stop_schedule,
        "report-pack-schedule-stop",
    ),
]

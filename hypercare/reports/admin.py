"""Review packs and their schedules in the admin, read only: they are written by the
reports services (the desk's pages, the API and the jobs), which check who may build,
schedule and receive them."""

from django.contrib import admin

from hypercare.reports.models import PackSchedule, ReviewPack
from hypercare.tickets.admin import ReadOnlyAdmin


@admin.register(ReviewPack)
class ReviewPackAdmin(ReadOnlyAdmin):
    list_display = ("kind", "institution", "status", "built_by", "requested_at", "finished_at")
    list_filter = ("kind", "status", "institution")
    list_select_related = ("institution", "built_by")


@admin.register(PackSchedule)
class PackScheduleAdmin(ReadOnlyAdmin):
    list_display = ("kind", "institution", "weekday", "at", "next_run_at", "is_active")
    list_filter = ("kind", "is_active", "institution")
    list_select_related = ("institution",)

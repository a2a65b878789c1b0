"""Access requests, the ledger, reviews and review schedules are read here; they change
only through the services (the desk, the portal and the API), so every step is checked
and recorded. An institution's review schedule is set on the access reviews' pages."""

from django.contrib import admin

from hypercare.access_requests.models import (
    AccessRequest,
    AccessReview,
    LedgerEntry,
    ReviewSchedule,
)
from hypercare.tickets.admin import ReadOnlyAdmin


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyAdmin):
    list_display = ("reference", "institution", "action", "role", "person_name", "status")
    list_filter = ("status", "action", "institution")
    list_select_related = ("institution",)
    search_fields = ("person_name", "erp_login", "role")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("institution", "person_name", "action", "role", "done_at", "ends_on")
    list_filter = ("action", "institution")
    list_select_related = ("institution",)
    search_fields = ("person_name", "erp_login", "role")


@admin.register(AccessReview)
class AccessReviewAdmin(ReadOnlyAdmin):
    list_display = ("institution", "opened_at", "closed_at")
    list_select_related = ("institution",)


@admin.register(ReviewSchedule)
class ReviewScheduleAdmin(ReadOnlyAdmin):
    list_display = ("institution", "months_between_reviews", "set_by", "set_at")
    list_select_related = ("institution", "set_by")

"""Training gaps in the admin: read only, since flags are recorded on the ticket's
timeline by the knowledge services (the ticket page, the API)."""

from django.contrib import admin

from hypercare.knowledge.models import TrainingGap
from hypercare.tickets.admin import ReadOnlyAdmin


@admin.register(TrainingGap)
class TrainingGapAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "institution", "module_code", "erp_role", "topic", "flagged_at")
    list_filter = ("module_code", "institution")
    list_select_related = ("ticket", "institution")

"""Change requests are read here; they change only through the services (the desk, the
portal and the API), so every step lands in the change's history and its approvals."""

from django.contrib import admin

from hypercare.changes.models import ChangeApproval, ChangeEvent, ChangeRequest
from hypercare.tickets.admin import ReadOnlyAdmin


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "risk", "status", "window_start", "window_end", "raised_by")
    list_filter = ("status", "kind", "risk")
    list_select_related = ("raised_by",)
    search_fields = ("title", "plan")


@admin.register(ChangeApproval)
class ChangeApprovalAdmin(ReadOnlyAdmin):
    list_display = ("change", "role", "module", "decision", "decided_by", "decided_at")
    list_filter = ("decision", "role")
    list_select_related = ("change", "module", "decided_by")


@admin.register(ChangeEvent)
class ChangeEventAdmin(ReadOnlyAdmin):
    list_display = ("change", "kind", "actor", "created_at")
    list_filter = ("kind",)
    list_select_related = ("change", "actor")

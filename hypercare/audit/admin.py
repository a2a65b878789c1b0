from django.contrib import admin

from hypercare.audit.models import AuditEntry
from hypercare.tickets.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only, like every record the desk keeps as history: the audit page on the desk
    is where it is read and filtered."""

    list_display = ["at", "who", "channel", "action", "record_type_name", "record_label"]
    list_filter = ["area", "action", "channel"]
    search_fields = ["record_label", "actor_name"]

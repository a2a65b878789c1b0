"""Module usage in the admin, read only: figures arrive through the usage service (the
API feed and the desk's upload page)."""

from django.contrib import admin

from hypercare.adoption.models import ModuleUsage
from hypercare.tickets.admin import ReadOnlyAdmin


@admin.register(ModuleUsage)
class ModuleUsageAdmin(ReadOnlyAdmin):
    list_display = ("module", "day", "active_users", "recorded_at")
    list_filter = ("module__code",)
    list_select_related = ("module", "module__institution")

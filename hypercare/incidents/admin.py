"""Major incidents are read-only here: they change only through the services (the
workspace and the API), so every step lands on the incident's and its children's
timelines."""

from django.contrib import admin

from hypercare.incidents.models import IncidentChild, IncidentEvent, MajorIncident
from hypercare.tickets.admin import ReadOnlyAdmin


@admin.register(MajorIncident)
class MajorIncidentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "module_code", "status", "started_at", "declared_by")
    list_filter = ("status", "module_code")
    search_fields = ("title",)
    list_select_related = ("declared_by",)


@admin.register(IncidentChild)
class IncidentChildAdmin(ReadOnlyAdmin):
    list_display = ("incident", "ticket", "attached_by", "attached_at")
    list_select_related = ("incident", "ticket", "attached_by")


@admin.register(IncidentEvent)
class IncidentEventAdmin(ReadOnlyAdmin):
    list_display = ("incident", "kind", "actor", "ticket", "created_at")
    list_filter = ("kind",)
    list_select_related = ("incident", "actor", "ticket")

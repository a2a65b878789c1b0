"""Links in the admin: read only, since linking, merging and splitting are recorded on
both tickets' timelines by the link services (the ticket page and the API)."""

from django.contrib import admin

from hypercare.links.models import TicketLink
from hypercare.tickets.admin import ReadOnlyAdmin


@admin.register(TicketLink)
class TicketLinkAdmin(ReadOnlyAdmin):
    list_display = ("source", "kind", "target", "created_by", "created_at", "merged_at")
    list_filter = ("kind",)
    list_select_related = ("source", "target", "created_by")

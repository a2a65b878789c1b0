"""Routing rules are configured here; tickets and their timelines are read-only.

Tickets change only through the services (the workspace and the API), so that every
change lands on the timeline. The admin shows them for inspection.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hypercare.tickets.models import Attachment, HandOver, RoutingRule, Ticket, TicketEvent


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[RoutingRule]):
    list_display = (
        "position",
        "institution",
        "module_code",
        "category",
        "team",
        "tier",
        "for_new_tickets",
    )
    list_editable = ("team", "tier", "for_new_tickets")
    list_display_links = ("position",)
    list_filter = ("team", "tier", "for_new_tickets", "category")


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "institution", "status", "priority", "assignee")
    list_filter = ("status", "priority", "category", "institution")
    search_fields = ("title",)
    list_select_related = ("institution", "assignee")


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "kind", "actor", "created_at", "is_internal")
    list_filter = ("kind",)
    list_select_related = ("ticket", "actor")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "ticket", "content_type", "size", "is_internal")
    list_select_related = ("ticket",)


@admin.register(HandOver)
class HandOverAdmin(ReadOnlyAdmin):
    list_display = ("event", "needed")
    list_select_related = ("event",)

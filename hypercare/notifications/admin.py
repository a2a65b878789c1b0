"""Templates are edited here; the outbox is inspected, and dead letters sent again."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from hypercare.notifications.delivery import retry_dead
from hypercare.notifications.models import (
    NotificationPreference,
    NotificationTemplate,
    OutboxMessage,
)


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin[NotificationTemplate]):
    """One template per event, created by a migration: edited, never added or removed.

    A row lost anyway comes back with ``hypercare manage restore_notification_templates``.
    """

    list_display = ("event", "subject", "updated_at")
    readonly_fields = ("event", "updated_at")
    fields = ("event", "subject", "body", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    """Read-only: delivery changes a message, people only send dead letters again."""

    list_display = (
        "created_at",
        "event",
        "to_email",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "bounce_status",
    )
    list_filter = ("status", "event")
    search_fields = ("to_email", "subject")
    date_hierarchy = "created_at"
    actions = ("send_again",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Send the selected dead letters again")
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = retry_dead(queryset)
        self.message_user(request, f"{count} dead letters queued again.", messages.SUCCESS)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin[NotificationPreference]):
    list_display = ("user", "event", "email")
    list_filter = ("event", "email")
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)
    list_select_related = ("user",)

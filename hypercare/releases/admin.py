"""Releases are created and described here; shipping is the "ship" action, never a field.

Shipping goes through ``services.ship_release`` so that every planned ticket gets its
timeline event, its clocks re-planned and its requester told. A shipped release keeps
its version: the tickets' timelines name it.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from hypercare.accounts.models import User
from hypercare.errors import DomainError
from hypercare.releases.models import Release
from hypercare.releases.services import ship_release


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin[Release]):
    list_display = ("version", "planned_date", "shipped_at", "planned_tickets", "created_at")
    list_filter = ("shipped_at",)
    search_fields = ("version",)
    actions = ["ship"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Release]:
        return super().get_queryset(request).annotate(ticket_count=Count("tickets"))

    @admin.display(description="Tickets")
    def planned_tickets(self, release: Release) -> int:
        return int(getattr(release, "ticket_count", 0))

    def get_readonly_fields(self, request: HttpRequest, obj: Release | None = None) -> Any:
        if obj is not None and obj.is_shipped:
            return ("version", "shipped_at", "notes_compiled_at", "created_at")
        return ("shipped_at", "notes_compiled_at", "created_at")

    @admin.action(description="Ship the selected releases now")
    def ship(self, request: HttpRequest, queryset: QuerySet[Release]) -> None:
        user = request.user
        if not isinstance(user, User):
            return
        for release in queryset.order_by("pk"):
            try:
                ship_release(release=release, actor=user)
            except DomainError as exc:
                self.message_user(request, f"{release}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{release} shipped.", messages.SUCCESS)

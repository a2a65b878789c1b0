"""Routing rules are configured here; tickets and their timelines are read-only.

Tickets change only through the services (the workspace and the API), so that every
change lands on the timeline. The admin shows them for inspection.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from hypercare.tickets.models import (
    Attachment,
    HandOver,
    Participant,
    RoutingRule,
    Ticket,
    TicketEvent,
)

ANY = "any"
POSITION_HELP = (
    "Of the rules that match a ticket, the most specific wins (the most criteria set); "
    "among equally specific rules, the lowest position wins."
)
ANY_HELP = "Empty matches any {}."


# A rule's criteria: each left empty matches anything, and says so.
CRITERIA = {"institution": "institution", "module_code": "module", "category": "category"}


class CriteriaRuleAdmin(admin.ModelAdmin[Any]):
    """Rule pages (routing, escalation) that explain "position" and "any" by each field.

    Set per field rather than on a form listing its fields, so a field a rule gains
    later shows on the page without a change here.
    """

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        name = db_field.name
        if name == "institution":
            kwargs["empty_label"] = "Any institution"
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is None:
            return field
        if name == "position":
            field.help_text = POSITION_HELP
        elif name in CRITERIA:
            field.help_text = ANY_HELP.format(CRITERIA[name])
            field.label = CRITERIA[name].capitalize()
            if isinstance(field, forms.TypedChoiceField):
                # The empty choice reads as what it means, not as "---------".
                field.choices = [("", f"Any {CRITERIA[name]}"), *db_field.choices]
        return field


@admin.register(RoutingRule)
class RoutingRuleAdmin(CriteriaRuleAdmin):
    """The list reads as the router does: criteria left empty show "any"."""

    list_display = (
        "position",
        "for_institution",
        "for_module",
        "for_category",
        "team",
        "tier",
        "for_new_tickets",
    )
    list_editable = ("team", "tier", "for_new_tickets")
    list_display_links = ("position",)
    list_filter = ("team", "tier", "for_new_tickets", "category")
    list_select_related = ("institution", "team")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {"subtitle": POSITION_HELP + ' "Any" is a criterion left empty.'}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    @admin.display(description="Institution", ordering="institution__name")
    def for_institution(self, rule: RoutingRule) -> str:
        return str(rule.institution) if rule.institution else ANY

    @admin.display(description="Module", ordering="module_code")
    def for_module(self, rule: RoutingRule) -> str:
        return rule.get_module_code_display() if rule.module_code else ANY

    @admin.display(description="Category", ordering="category")
    def for_category(self, rule: RoutingRule) -> str:
        return rule.get_category_display() if rule.category else ANY


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


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    """Who follows a ticket besides its requester; added by merging a duplicate into it."""

    list_display = ("ticket", "user", "added_by", "added_at")
    list_select_related = ("ticket", "user", "added_by")

"""Routing rules are configured here; tickets and their timelines are read-only.

Tickets change only through the services (the workspace and the API), so that every
change lands on the timeline. The admin shows them for inspection.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from hypercare.orgs.choices import ModuleCode
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Attachment, HandOver, RoutingRule, Ticket, TicketEvent

ANY = "any"
POSITION_HELP = (
    "Of the rules that match a ticket, the most specific wins (the most criteria set); "
    "among equally specific rules, the lowest position wins."
)
ANY_HELP = "Empty matches any {}."


class RoutingRuleForm(forms.ModelForm[RoutingRule]):
    class Meta:
        model = RoutingRule
        fields = ("position", "institution", "module_code", "category", "team", "tier")
        help_texts = {
            "position": POSITION_HELP,
            "institution": ANY_HELP.format("institution"),
            "module_code": ANY_HELP.format("module"),
            "category": ANY_HELP.format("category"),
        }
        labels = {"module_code": "Module"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The empty choice reads as what it means, not as "---------".
        institution = self.fields["institution"]
        if isinstance(institution, forms.ModelChoiceField):
            institution.empty_label = "Any institution"
        self.fields["module_code"].widget.choices = [
            ("", "Any module"),
            *ModuleCode.choices,
        ]
        self.fields["category"].widget.choices = [("", "Any category"), *Category.choices]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[RoutingRule]):
    """The list reads as the router does: criteria left empty show "any"."""

    form = RoutingRuleForm
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

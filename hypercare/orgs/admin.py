"""Desk configuration for system admins: institutions, modules, integrations, teams."""

from django.contrib import admin

from hypercare.orgs.models import (
    AgentAvailability,
    Institution,
    Integration,
    IntegrationContact,
    Module,
    Team,
)


class ModuleInline(admin.TabularInline[Module, Institution]):
    model = Module
    extra = 0
    fields = ("code", "name", "is_active", "owners")
    autocomplete_fields = ("owners",)


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin[Institution]):
    list_display = ("name", "slug", "time_zone", "go_live_date", "phase", "unknown_senders")
    list_filter = ("phase", "unknown_senders")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [ModuleInline]


class ContactInline(admin.TabularInline[IntegrationContact, Integration]):
    model = IntegrationContact
    extra = 1
    autocomplete_fields = ("user",)


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin[Integration]):
    list_display = ("name", "institution", "kind", "provider", "is_active")
    list_filter = ("kind", "institution")
    search_fields = ("name", "provider")
    inlines = [ContactInline]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin[Module]):
    list_display = ("name", "institution", "code", "is_active")
    list_filter = ("code", "institution")
    search_fields = ("name",)
    autocomplete_fields = ("owners",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ("name", "tier", "lead", "auto_assignment")
    list_filter = ("tier", "auto_assignment")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("lead", "members")


@admin.register(AgentAvailability)
class AgentAvailabilityAdmin(admin.ModelAdmin[AgentAvailability]):
    list_display = ("agent", "on_duty", "out_of_office_until", "updated_at")
    list_filter = ("on_duty",)
    list_select_related = ("agent",)
    autocomplete_fields = ("agent",)
    readonly_fields = ("updated_at",)

"""Desk configuration for system admins: institutions, modules, integrations, teams."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hypercare.accounts.selectors import module_owners, support_agents
from hypercare.admin_fields import (
    EligiblePeopleAdmin,
    EligiblePeopleInline,
    LabelledRowsFormSet,
    TimeZoneField,
)
from hypercare.orgs.models import (
    AgentAvailability,
    Institution,
    Integration,
    IntegrationContact,
    Module,
    Team,
)


class ModuleInline(EligiblePeopleInline[Module]):
    model = Module
    formset = LabelledRowsFormSet
    extra = 0
    fields = ("code", "name", "is_active", "went_live_on", "owners")
    eligible_people = {"owners": module_owners}


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin[Institution]):
    list_display = (
        "name",
        "slug",
        "time_zone",
        "go_live_date",
        "phase",
        "unknown_senders",
        "surveys_enabled",
        "auto_close_days",
    )
    list_filter = ("phase", "unknown_senders", "surveys_enabled")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [ModuleInline]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "time_zone":
            return db_field.formfield(form_class=TimeZoneField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ContactInline(admin.TabularInline[IntegrationContact, Integration]):
    model = IntegrationContact
    formset = LabelledRowsFormSet
    extra = 1
    autocomplete_fields = ("user",)


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin[Integration]):
    list_display = ("name", "institution", "kind", "provider", "is_active")
    list_filter = ("kind", "institution")
    search_fields = ("name", "provider")
    inlines = [ContactInline]


@admin.register(Module)
class ModuleAdmin(EligiblePeopleAdmin[Module]):
    list_display = ("name", "institution", "code", "is_active", "went_live_on")
    list_filter = ("code", "institution")
    search_fields = ("name",)
    eligible_people = {"owners": module_owners}


@admin.register(Team)
class TeamAdmin(EligiblePeopleAdmin[Team]):
    list_display = ("name", "tier", "lead", "auto_assignment", "time_entry")
    list_filter = ("tier", "auto_assignment", "time_entry")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    eligible_people = {
        "lead": support_agents,
        "members": support_agents,
        "last_auto_assigned": support_agents,
    }


@admin.register(AgentAvailability)
class AgentAvailabilityAdmin(EligiblePeopleAdmin[AgentAvailability]):
    list_display = ("agent", "on_duty", "out_of_office_until", "updated_at")
    list_filter = ("on_duty",)
    list_select_related = ("agent",)
    readonly_fields = ("updated_at",)
    eligible_people = {"agent": support_agents}

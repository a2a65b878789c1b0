"""Escalation rules are configured here; escalations themselves are read-only.

An escalation changes only through the services (the workspace and the API), so that
every step lands on the ticket's timeline.
"""

from django.contrib import admin

from hypercare.admin_fields import EligiblePeopleAdmin
from hypercare.escalations.models import Escalation, EscalationDigest, EscalationRule
from hypercare.escalations.selectors import escalation_managers
from hypercare.tickets.admin import ANY, CriteriaRuleAdmin, ReadOnlyAdmin


@admin.register(EscalationRule)
class EscalationRuleAdmin(EligiblePeopleAdmin[EscalationRule], CriteriaRuleAdmin):
    """The list reads as the rules work: criteria left empty show "any"."""

    list_display = ("position", "for_institution", "for_module", "manager")
    list_editable = ("manager",)
    list_display_links = ("position",)
    list_filter = ("module_code", "institution")
    list_select_related = ("institution", "manager")
    eligible_people = {"manager": escalation_managers}

    @admin.display(description="Institution", ordering="institution__name")
    def for_institution(self, rule: EscalationRule) -> str:
        return str(rule.institution) if rule.institution else ANY

    @admin.display(description="Module", ordering="module_code")
    def for_module(self, rule: EscalationRule) -> str:
        return rule.get_module_code_display() if rule.module_code else ANY


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "status", "level", "reason", "manager", "requested_at")
    list_filter = ("status", "level", "reason")
    list_select_related = ("ticket", "manager")


@admin.register(EscalationDigest)
class EscalationDigestAdmin(ReadOnlyAdmin):
    list_display = ("day", "sent_at", "escalations")

"""Escalation rules are configured here; escalations themselves are read-only.

An escalation changes only through the services (the workspace and the API), so that
every step lands on the ticket's timeline.
"""

from django.contrib import admin

from hypercare.admin_fields import EligiblePeopleAdmin
from hypercare.escalations.models import Escalation, EscalationDigest, EscalationRule
from hypercare.escalations.selectors import escalation_managers
from hypercare.tickets.admin import ReadOnlyAdmin


@admin.register(EscalationRule)
class EscalationRuleAdmin(EligiblePeopleAdmin[EscalationRule]):
    list_display = ("position", "institution", "module_code", "manager")
    list_editable = ("manager",)
    list_display_links = ("position",)
    list_filter = ("module_code", "institution")
    list_select_related = ("institution", "manager")
    eligible_people = {"manager": escalation_managers}


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "status", "level", "reason", "manager", "requested_at")
    list_filter = ("status", "level", "reason")
    list_select_related = ("ticket", "manager")


@admin.register(EscalationDigest)
class EscalationDigestAdmin(ReadOnlyAdmin):
    list_display = ("day", "sent_at", "escalations")

"""The handover records, exit gates, scorecards and moves in the admin, read only: they
are written by the handover services (the desk's pages, the API, the daily job), so
every change of a gate's threshold is in the gates' history."""

from django.contrib import admin

from hypercare.handover.models import ExitGate, HandoverRecord, PhaseChange, Scorecard
from hypercare.tickets.admin import ReadOnlyAdmin


@admin.register(ExitGate)
class ExitGateAdmin(ReadOnlyAdmin):
    list_display = ("kind", "institution", "threshold")
    list_filter = ("kind", "institution")
    list_select_related = ("institution",)


@admin.register(HandoverRecord)
class HandoverRecordAdmin(ReadOnlyAdmin):
    list_display = ("institution", "current_version", "created_at")
    list_select_related = ("institution",)


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin):
    list_display = ("institution", "day", "all_met", "computed_at")
    list_filter = ("all_met", "institution")
    list_select_related = ("institution",)


@admin.register(PhaseChange)
class PhaseChangeAdmin(ReadOnlyAdmin):
    list_display = ("institution", "to_phase", "actor", "changed_at", "all_met")
    list_select_related = ("institution", "actor")

"""Data corrections in the admin: read only. The record, its sign-offs and its outcome
change only through the correction services (the ticket page and the API), so every step
is on the ticket's timeline and no sign-off can be edited after the fact."""

from django.contrib import admin

from hypercare.corrections.models import CorrectionRecord, CorrectionVersion, SignOff
from hypercare.tickets.admin import ReadOnlyAdmin


@admin.register(CorrectionRecord)
class CorrectionRecordAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "reason", "version", "written_by", "applied_at", "verified_at")
    list_filter = ("reason",)
    list_select_related = ("ticket", "written_by")


@admin.register(CorrectionVersion)
class CorrectionVersionAdmin(ReadOnlyAdmin):
    list_display = ("record", "number", "content_hash", "written_by", "written_at")
    list_select_related = ("record__ticket", "written_by")


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ("record", "data_owner", "decision", "version", "decided_at", "voided_at")
    list_filter = ("decision",)
    list_select_related = ("record__ticket", "data_owner")

"""An integration ticket's work in the admin: read only, since traces and contact
requests are recorded on the ticket's timeline by the services (the ticket page, the API)."""

from django.contrib import admin

from hypercare.integrations.models import ContactRequest, TransactionTrace
from hypercare.tickets.admin import ReadOnlyAdmin


@admin.register(TransactionTrace)
class TransactionTraceAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "transaction_reference", "traced_by", "traced_at")
    list_select_related = ("ticket", "traced_by")


@admin.register(ContactRequest)
class ContactRequestAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "contact", "to_email", "asked_by", "asked_at")
    list_select_related = ("ticket", "contact", "asked_by")

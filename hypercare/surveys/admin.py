"""Satisfaction surveys in the admin: read only, since a survey is asked on resolution
and answered by its requester alone (the link, the portal, the API)."""

from django.contrib import admin

from hypercare.surveys.models import Survey
from hypercare.tickets.admin import ReadOnlyAdmin


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "requester", "team", "agent", "sent_at", "answered_at", "rating")
    list_filter = ("rating", "team")
    list_select_related = ("ticket", "requester", "team", "agent")

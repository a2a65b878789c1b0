"""Product ideas in the admin: read only, since recording, voting and deciding are told
to requesters on their tickets by the feedback services (the desk's pages, the API)."""

from django.contrib import admin

from hypercare.feedback.models import Idea
from hypercare.tickets.admin import ReadOnlyAdmin


@admin.register(Idea)
class IdeaAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "module_code", "status", "release", "updated_at")
    list_filter = ("status", "module_code")
    search_fields = ("title",)

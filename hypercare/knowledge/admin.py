"""Training gaps and articles in the admin: read only, since flags are recorded on the
ticket's timeline and articles go through review by the knowledge services (the desk's
pages, the API)."""

from django.contrib import admin

from hypercare.knowledge.models import Article, TrainingGap
from hypercare.tickets.admin import ReadOnlyAdmin


@admin.register(TrainingGap)
class TrainingGapAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "institution", "module_code", "erp_role", "topic", "flagged_at")
    list_filter = ("module_code", "institution")
    list_select_related = ("ticket", "institution")


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ("title", "module_code", "visibility", "status", "version", "updated_at")
    list_filter = ("status", "visibility", "module_code")
    search_fields = ("title",)

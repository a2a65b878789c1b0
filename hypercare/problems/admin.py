"""Problems are read here; they change only through the services (the workspace and the
API), so that every step lands in the problem's history and on its tickets' timelines."""

from django.contrib import admin

from hypercare.problems.models import Problem, ProblemEvent
from hypercare.tickets.admin import ReadOnlyAdmin


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ("title", "status", "known_error_at", "owner", "release", "updated_at")
    list_filter = ("status",)
    list_select_related = ("owner", "release")
    search_fields = ("title", "root_cause", "workaround")


@admin.register(ProblemEvent)
class ProblemEventAdmin(ReadOnlyAdmin):
    list_display = ("problem", "kind", "actor", "created_at")
    list_filter = ("kind",)
    list_select_related = ("problem", "actor")

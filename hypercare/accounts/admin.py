"""People and their roles for system admins."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from hypercare.accounts.models import ApiToken, RoleGrant, User
from hypercare.admin_fields import LabelledRowsFormSet


class RoleGrantInline(admin.TabularInline[RoleGrant, User]):
    model = RoleGrant
    formset = LabelledRowsFormSet
    extra = 1
    fields = ("role",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ("username", "email", "first_name", "last_name", "institution", "is_active")
    list_filter = ("institution", "role_grants__role", "is_active")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Hypercare", {"fields": ("institution", "erp_role", "work_area")}),
    )
    inlines = [RoleGrantInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are issued by their owners; admins may only look and revoke."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "digest", "created_at", "last_used_at")
    fields = (*readonly_fields, "revoked_at")

    def has_add_permission(self, request: object) -> bool:
        return False

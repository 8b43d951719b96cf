from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.admin import AuditedAdmin


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "agency", "is_active")
    list_filter = ("role", "is_active", "is_demo")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Planwatch"), {"fields": ("role", "agency", "extra_capabilities")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Planwatch"), {"fields": ("email", "role", "agency")}),
    )

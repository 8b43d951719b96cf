"""Audit entries are read-only everywhere, including the admin."""

from django.contrib import admin

from audit.log import record, snapshot
from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "actor_name", "note")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes go to the audit log with before and after."""

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            previous = type(obj).objects.filter(pk=obj.pk).first()
            before = snapshot(previous) if previous else None
        super().save_model(request, obj, form, change)
        record(
            request.user,
            "update" if change else "create",
            obj,
            before=before,
            after=snapshot(obj),
            note="admin",
        )

    def delete_model(self, request, obj):
        before = snapshot(obj)
        label, pk, text = obj._meta.label_lower, str(obj.pk), str(obj)
        super().delete_model(request, obj)
        record(
            request.user,
            "delete",
            None,
            before=before,
            object_type=label,
            object_id=pk,
            object_repr=text,
            note="admin",
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

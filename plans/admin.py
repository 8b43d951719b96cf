from django.contrib import admin

from audit.admin import AuditedAdmin
from plans.models import Assignment, Duty, Plan, Target, Task, TaskGroup


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ("code", "decision_number", "period_start", "period_end")


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    list_display = ("plan", "milestone", "position", "measure", "min_value", "max_value", "unit")
    list_filter = ("plan", "milestone", "measure")


@admin.register(TaskGroup)
class TaskGroupAdmin(AuditedAdmin):
    list_display = ("plan", "number", "title")


@admin.register(Task)
class TaskAdmin(AuditedAdmin):
    list_display = ("__str__", "plan", "timeframe_text", "recurrence")
    list_filter = ("plan", "recurrence")
    inlines = [AssignmentInline]


@admin.register(Duty)
class DutyAdmin(AuditedAdmin):
    list_display = ("plan", "position", "wording")

from django.contrib import admin

from worker.models import Attempt, ScheduledRun, WorkerProcess


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WorkerProcess)
class WorkerProcessAdmin(ReadOnly):
    list_display = ["worker_id", "host", "pid", "started_at", "last_beat", "task_id", "stopped_at"]


@admin.register(Attempt)
class AttemptAdmin(ReadOnly):
    list_display = ["task_id", "number", "outcome", "worker_id", "started_at", "finished_at"]
    list_filter = ["outcome"]


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnly):
    list_display = ["name", "slot", "task_id", "created_at"]

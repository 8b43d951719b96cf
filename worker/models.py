"""What the task worker keeps beside django-tasks' own table of queued tasks
(``django_tasks_database.DBTaskResult``): the heartbeat of each worker process
(its lease), every attempt at a task with its outcome, and the scheduled runs
already enqueued (so that two workers never enqueue the same daily run)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerProcess(models.Model):
    """A running (or lately running) worker. ``last_beat`` is renewed every few
    seconds; a worker whose beat is older than the lease is dead, and the tasks it
    held are settled by the next worker that looks."""

    worker_id = models.CharField(primary_key=True, max_length=64)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_beat = models.DateTimeField(db_index=True)
    task_id = models.UUIDField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_beat"]
        verbose_name = _("worker process")
        verbose_name_plural = _("worker processes")

    def __str__(self) -> str:
        return self.worker_id


class Outcome(models.TextChoices):
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    ERROR = "error", _("error")  # an exception; retried while attempts remain
    FINAL = "final", _("refused")  # the task gave up (bad input): never retried
    TIMEOUT = "timeout", _("time limit exceeded")
    CRASHED = "crashed", _("process ended abnormally")
    LOST = "lost", _("worker lost")  # its worker stopped beating
    STOPPED = "stopped", _("stopped by a shutdown")  # put back, not counted


class Attempt(models.Model):
    task = models.ForeignKey(
        "django_tasks_database.DBTaskResult", on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField()
    worker_id = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.RUNNING)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["task", "number"]
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="one_attempt_number_per_task")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} #{self.number} {self.outcome}"


class ScheduledRun(models.Model):
    """One run of a scheduled task for one slot (e.g. reminders of 2026-12-02 07:00)."""

    name = models.CharField(max_length=100)
    slot = models.DateTimeField()
    task_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-slot"]
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="one_run_per_schedule_slot")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.slot:%Y-%m-%d %H:%M}"

"""Templates of the consolidated report uploaded by coordinators (every upload kept,
one in use per plan) and document generation jobs (progress shown while they run)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents import formats
from plans.models import Plan


class DocumentTemplate(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="document_templates")
    name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file"))
    size = models.PositiveIntegerField()
    active = models.BooleanField(_("in use"), default=True)
    warnings = models.JSONField(default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "-uploaded_at"]
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        constraints = [
            models.UniqueConstraint(
                fields=["plan"], condition=Q(active=True), name="one_active_template_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class DocumentKind(models.TextChoices):
    ANNUAL = "annual", _("annual report")
    MIDTERM = "midterm", _("mid-term review")
    FINAL = "final", _("final review")


class DocumentJob(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="document_jobs")
    kind = models.CharField(max_length=8, choices=DocumentKind.choices)
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    format = models.CharField(max_length=8, choices=formats.choices)
    status = models.CharField(max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    filename = models.CharField(max_length=200, blank=True)
    result = models.BinaryField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    task_id = models.UUIDField(null=True, blank=True)  # the worker's task (django-tasks)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")), name="job_year_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} {self.kind} {self.first_year}-{self.last_year}.{self.format}"

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

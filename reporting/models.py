"""The annual reporting cycle: a reporting period per plan and year, one report
per responsible agency with an item per task, immutable versions of every
submission, review comments, and the reminders sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from plans.models import Plan, Role, Task


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed (late reports still accepted)")
    LOCKED = "locked", _("locked")


class ReportingPeriod(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="periods")
    year = models.PositiveSmallIntegerField(_("year"))
    due_date = models.DateField(_("due date"))
    cutoff_start = models.DateField(_("data from"))
    cutoff_end = models.DateField(_("data until"))
    status = models.CharField(
        _("status"), max_length=8, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-year"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="period_unique_year"),
            models.CheckConstraint(
                condition=Q(cutoff_end__gte=models.F("cutoff_start")), name="period_cutoff_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} {self.year}"


class ReportState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for changes")
    ACCEPTED = "accepted", _("accepted")


class AgencyReport(models.Model):
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reports")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="reports")
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    difficulties = models.TextField(_("difficulties"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["period", "agency__name"]
        verbose_name = _("agency report")
        verbose_name_plural = _("agency reports")
        constraints = [
            models.UniqueConstraint(fields=["period", "agency"], name="report_unique_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.period}"


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    NOT_DONE = "not_done", _("will not be done")


class ReportItem(models.Model):
    """What an agency reports on one task."""

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="items")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="report_items")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    reason = models.TextField(_("reason"), blank=True)
    done = models.TextField(_("what was done"), blank=True)
    results = models.TextField(_("results"), blank=True)
    quantities = models.JSONField(_("quantities"), default=list, blank=True)
    spent = models.BigIntegerField(_("money spent (đồng)"), null=True, blank=True)

    class Meta:
        ordering = ["report", "task__group__position", "task__position"]
        verbose_name = _("report item")
        verbose_name_plural = _("report items")
        constraints = [
            models.UniqueConstraint(fields=["report", "task"], name="item_unique_task"),
            models.CheckConstraint(
                condition=Q(spent__isnull=True) | Q(spent__gte=0), name="item_spent_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} — {self.task.code}"


class ReportVersion(models.Model):
    """A submission, frozen: what the agency sent, as it sent it."""

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("content"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    late = models.BooleanField(_("late"), default=False)

    class Meta:
        ordering = ["report", "number"]
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class ReviewComment(models.Model):
    """The coordinator's comment on a field of a submitted version."""

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(
        ReportVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    field = models.CharField(_("field"), max_length=64, blank=True)
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "created_at"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self) -> str:
        return self.text[:60]


class ReminderKind(models.TextChoices):
    OPENED = "opened", _("period opened")
    BEFORE = "before", _("due soon")
    DUE = "due", _("due today")
    OVERDUE = "overdue", _("overdue")
    RETURNED = "returned", _("returned")
    ACCEPTED = "accepted", _("accepted")
    MANUAL = "manual", _("reminder from the coordinator")


class Reminder(models.Model):
    """An e-mail sent about a report; one of a kind a day, so a daily job can rerun."""

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_on = models.DateField()
    recipients = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind", "sent_on"], name="reminder_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.kind} {self.sent_on}"


def evidence_path(instance: Evidence, filename: str) -> str:
    import uuid
    from pathlib import PurePath

    # The stored name is random: the uploaded name is never used as a path.
    return f"evidence/{instance.report_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Evidence(models.Model):
    """A file attached to a report (minutes, photos, lists of participants).
    Stored under var/media (outside the web root) and served only through a view
    that checks who may see the report."""

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="evidence")
    item = models.ForeignKey(
        ReportItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "uploaded_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name

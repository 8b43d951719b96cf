"""A plan as data: Plan, Target, TaskGroup, Task, the lead/partner references of
each task, and the standing duties (section V of the seed)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyGroup
from planwatch.text import fold


class CurrentQuerySet(models.QuerySet):
    def current(self):
        """Rows of the plan's current version (not removed by a later import)."""
        return self.filter(retired=False)


class Plan(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    title = models.TextField(_("title"))
    issuer_name = models.CharField(_("issuer"), max_length=255)
    issuer = models.ForeignKey(
        Agency,
        verbose_name=_("issuing agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_plans",
    )
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    implements = models.JSONField(_("programmes implemented"), default=list, blank=True)
    period_start = models.PositiveSmallIntegerField(_("period start"))
    period_end = models.PositiveSmallIntegerField(_("period end"))
    coordinator_name = models.CharField(_("coordinating agency"), max_length=255, blank=True)
    coordinator = models.ForeignKey(
        Agency,
        verbose_name=_("coordinating agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coordinated_plans",
    )
    report_due_month = models.PositiveSmallIntegerField(
        _("report due month"), null=True, blank=True
    )
    report_due_day = models.PositiveSmallIntegerField(_("report due day"), null=True, blank=True)
    general_objective = models.TextField(_("general objective"), blank=True)
    territory = models.ManyToManyField(
        Agency,
        verbose_name=_("territory"),
        blank=True,
        related_name="plans_applying",
        help_text=_(
            "The areas the plan applies to, as they were when it was issued: a province, "
            "or district-level units. Local units formed on their territory are in it; "
            "none chosen means the issuer's province."
        ),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "code"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="plan_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number or self.code}: {self.title}"

    @property
    def years(self) -> range:
        return range(self.period_start, self.period_end + 1)


class Measure(models.TextChoices):
    REDUCTION = "reduction", _("reduction")
    SHARE = "share", _("share")
    COUNT = "count", _("count")
    QUALITATIVE = "qualitative", _("qualitative")


class Target(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveSmallIntegerField(_("position"))
    milestone = models.PositiveSmallIntegerField(_("milestone year"))
    text = models.TextField(_("text"))
    measure = models.CharField(_("measure"), max_length=16, choices=Measure.choices)
    min_value = models.DecimalField(
        _("minimum"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=64, blank=True)
    breakdown = models.JSONField(_("breakdown"), default=list, blank=True)
    retired = models.BooleanField(_("removed in a later version"), default=False)

    objects = CurrentQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "milestone", "position"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "milestone", "position"],
                condition=Q(retired=False),
                name="target_unique_position",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone}: {self.text[:80]}"

    @property
    def code(self) -> str:
        return f"{self.milestone}.{self.position}"


class TaskGroup(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="task_groups")
    position = models.PositiveSmallIntegerField(_("position"))
    number = models.CharField(_("number"), max_length=16)
    title = models.TextField(_("title"))
    retired = models.BooleanField(_("removed in a later version"), default=False)

    objects = CurrentQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("task group")
        verbose_name_plural = _("task groups")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "position"],
                condition=Q(retired=False),
                name="taskgroup_unique_position",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Recurrence(models.TextChoices):
    ANNUAL = "annual", _("every year")
    PERIOD = "period", _("over a period")
    ONCE = "once", _("once")


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    group = models.ForeignKey(TaskGroup, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField(_("position"))
    number = models.CharField(_("number"), max_length=16)
    content = models.TextField(_("content"))
    output = models.TextField(_("output"), blank=True)
    timeframe_text = models.CharField(_("timeframe"), max_length=255, blank=True)
    start_year = models.PositiveSmallIntegerField(_("from"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("to"), null=True, blank=True)
    recurrence = models.CharField(
        _("recurrence"), max_length=16, choices=Recurrence.choices, blank=True
    )
    on_change = models.BooleanField(_("again when policy changes"), default=False)
    search_key = models.TextField(editable=False, default="")
    retired = models.BooleanField(_("removed in a later version"), default=False)

    objects = CurrentQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "group__position", "position"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "position"],
                condition=Q(retired=False),
                name="task_unique_position",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.content[:80]}"

    @property
    def code(self) -> str:
        return f"{self.group.number}.{self.number}"

    def is_active_in(self, year: int) -> bool:
        """Whether the timeframe covers ``year`` (an open end covers nothing)."""
        if self.start_year is None or self.end_year is None:
            return False
        return self.start_year <= year <= self.end_year

    def refresh_search_key(self, wordings: list[str]) -> None:
        self.search_key = fold(
            " ".join([self.code, self.content, self.output or "", *wordings, self.timeframe_text])
        )


class Role(models.TextChoices):
    LEAD = "lead", _("lead")
    PARTNER = "partner", _("partner")


class Assignment(models.Model):
    """One name in a task's lead or partner column: an agency or a group
    reference, with the wording of the document kept as it was."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    wording = models.CharField(_("wording"), max_length=255)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    group = models.ForeignKey(
        AgencyGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )

    class Meta:
        ordering = ["task", "role", "position"]
        verbose_name = _("lead or partner reference")
        verbose_name_plural = _("lead and partner references")
        constraints = [
            models.CheckConstraint(
                condition=(Q(agency__isnull=False) & Q(group__isnull=True))
                | (Q(agency__isnull=True) & Q(group__isnull=False)),
                name="assignment_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["task", "role", "position"], name="assignment_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.wording

    @property
    def name(self) -> str:
        """The name as the plan format writes it: agencies in full, groups as worded."""
        return self.agency.name if self.agency is not None else self.wording


class Duty(models.Model):
    """An agency's standing duties (section V "Tổ chức thực hiện" of the seed)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="duties")
    position = models.PositiveSmallIntegerField(_("position"))
    wording = models.CharField(_("agency as worded"), max_length=255)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="duties"
    )
    group = models.ForeignKey(
        AgencyGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="duties"
    )
    items = models.JSONField(_("duties"), default=list)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("standing duty")
        verbose_name_plural = _("standing duties")
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="duty_unique_position"),
        ]

    def __str__(self) -> str:
        return self.wording

    @property
    def name(self) -> str:
        return self.agency.name if self.agency is not None else self.wording


class PlanVersion(models.Model):
    """One version of a plan as it was saved: the whole plan in the plan format,
    what changed from the version before, who saved it and from which file."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("saved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=255, blank=True)
    data = models.JSONField(_("plan"))
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} v{self.number}"


class PlanImport(models.Model):
    """A document read by the importer and waiting for the coordinator's review.
    The file itself is not kept: only its text lines (shown escaped) and what
    the importer understood. A document read by the task worker (a PDF, slow
    formats) is kept in ``source`` until it has been read."""

    class Status(models.TextChoices):
        READING = "reading", _("being read")
        FAILED = "failed", _("could not be read")
        PREVIEW = "preview", _("under review")
        SAVED = "saved", _("saved")

    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filename = models.CharField(_("file"), max_length=255)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PREVIEW
    )
    data = models.JSONField(_("plan as understood"))
    warnings = models.JSONField(default=list)
    roles = models.JSONField(default=dict)
    wordings = models.JSONField(default=dict)
    proposed = models.JSONField(default=list)  # [[name, is_group], ...]
    source_lines = models.JSONField(default=list)
    # How it was read: {"converted_from": "doc"}; a scan: {"ocr": {"lines": {where:
    # confidence}, "fields": {field: confidence}, "pages": [base64 JPEG]}}.
    reading = models.JSONField(default=dict, blank=True)
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )
    version = models.PositiveIntegerField(null=True, blank=True)
    # Reading in the task worker (plans.tasks): progress, the reason of a failure.
    source = models.BinaryField(null=True, blank=True, editable=False)
    progress = models.PositiveSmallIntegerField(default=100)
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    task_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")

    def __str__(self) -> str:
        return self.filename

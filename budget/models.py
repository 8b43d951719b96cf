"""Funding of a plan, year by year (sections IV and V of the seed): the agencies'
estimates per task, gathered by the coordinator into the year's proposal to Sở Tài
chính, appraised line by line, allocated by the decision of UBND tỉnh; spending comes
from the agencies' accepted annual reports. Money is whole đồng."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from plans.models import Plan, Task


class BudgetState(models.TextChoices):
    DRAFTING = "drafting", _("being drafted")
    SUBMITTED = "submitted", _("submitted to finance")
    RETURNED = "returned", _("returned by finance")
    APPRAISED = "appraised", _("appraised")
    ALLOCATED = "allocated", _("allocated")


class Source(models.TextChoices):
    PROVINCIAL = "provincial", _("provincial budget")
    CENTRAL = "central", _("central budget")
    OTHER = "other", _("private and other lawful sources")


class Decision(models.TextChoices):
    PENDING = "pending", _("not yet appraised")
    ACCEPTED = "accepted", _("accepted")
    REDUCED = "reduced", _("reduced")
    REJECTED = "rejected", _("rejected")


class BudgetYear(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(
        _("state"), max_length=10, choices=BudgetState.choices, default=BudgetState.DRAFTING
    )
    revision = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    appraised_at = models.DateTimeField(null=True, blank=True)
    allocation_number = models.CharField(_("allocation decision"), max_length=64, blank=True)
    allocation_date = models.DateField(_("allocation date"), null=True, blank=True)
    allocated_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)

    class Meta:
        ordering = ["plan", "-year"]
        verbose_name = _("year's funding")
        verbose_name_plural = _("years' funding")
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="budget_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} {self.year}"


class BudgetLine(models.Model):
    """One estimate: a task, the agency that will spend, what it pays for, how much,
    from which source; then Sở Tài chính's appraisal and the allocation."""

    budget = models.ForeignKey(BudgetYear, on_delete=models.CASCADE, related_name="lines")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="budget_lines")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="budget_lines")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    content = models.TextField(_("what it pays for"))
    amount = models.BigIntegerField(_("estimate (đồng)"))
    decision = models.CharField(
        _("appraisal"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    appraised_amount = models.BigIntegerField(_("appraised (đồng)"), null=True, blank=True)
    reason = models.TextField(_("appraisal reason"), blank=True)
    allocated_amount = models.BigIntegerField(_("allocated (đồng)"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["budget", "task__group__position", "task__position", "agency__name", "pk"]
        verbose_name = _("estimate line")
        verbose_name_plural = _("estimate lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="line_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(appraised_amount__isnull=True) | Q(appraised_amount__gte=0),
                name="line_appraised_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(allocated_amount__isnull=True) | Q(allocated_amount__gte=0),
                name="line_allocated_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget} {self.task.code} {self.agency}"


class BudgetVersion(models.Model):
    """A proposal as submitted, an appraisal as completed, an allocation as decided:
    frozen; a return and a new submission make a new version."""

    class Kind(models.TextChoices):
        SUBMISSION = "submission", _("proposal submitted")
        APPRAISAL = "appraisal", _("appraisal")
        RETURN = "return", _("returned")
        ALLOCATION = "allocation", _("allocation")

    budget = models.ForeignKey(BudgetYear, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["budget", "number"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "number"], name="budget_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.budget} v{self.number} {self.kind}"

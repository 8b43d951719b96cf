"""Indicators of the plan's measurable targets, their values by year (and sector,
market class or locality), and the registries of the things the targets count."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from plans.models import Plan, Target
from reporting.models import AgencyReport


class Kind(models.TextChoices):
    REPORTED = "reported", _("a value reported by agencies")
    RATIO = "ratio", _("a ratio of two reported counts")
    REGISTRY = "registry", _("a count from a registry")
    YES_SHARE = "yes_share", _("the share of agencies answering yes")


class Aggregation(models.TextChoices):
    SUM = "sum", _("sum")
    MEAN = "mean", _("mean")
    WEIGHTED_MEAN = "weighted_mean", _("weighted mean")
    RATIO_OF_SUMS = "ratio_of_sums", _("ratio of sums")


class Dimension(models.TextChoices):
    NONE = "", _("none")
    SECTOR = "sector", _("industry sector")
    MARKET_CLASS = "market_class", _("market class")
    LOCALITY = "locality", _("locality")


class Category(models.TextChoices):
    CLEANER_PRODUCTION = "cleaner_production", _("cleaner-production models")
    VALUE_CHAIN = "value_chain", _("value chains")
    ECO_LABEL = "eco_label", _("eco-labelled products")
    VIET_OUTLET = "viet_outlet", _("Vietnamese-goods outlets")
    OCOP = "ocop", _("OCOP products")
    EVENT = "event", _("training and communication events")


class Indicator(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="indicator")
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40)
    direction = models.SmallIntegerField(
        _("direction"), default=1, choices=[(1, _("higher is better")), (-1, _("lower is better"))]
    )
    kind = models.CharField(_("how the value is obtained"), max_length=12, choices=Kind.choices)
    aggregation = models.CharField(
        _("aggregation"), max_length=16, choices=Aggregation.choices, default=Aggregation.SUM
    )
    dimension = models.CharField(
        _("breakdown"), max_length=16, choices=Dimension.choices, default=Dimension.NONE, blank=True
    )
    categories = models.JSONField(_("breakdown values"), default=list, blank=True)
    registry_category = models.CharField(
        _("registry"), max_length=24, choices=Category.choices, blank=True
    )
    question = models.CharField(_("question to agencies"), max_length=300, blank=True)
    suppliers = models.ManyToManyField(
        Agency, verbose_name=_("supplied by"), blank=True, related_name="indicators"
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=18, decimal_places=4, null=True, blank=True
    )

    class Meta:
        ordering = ["plan", "target__milestone", "target__position"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"


class IndicatorValue(models.Model):
    """One value: of the province (agency empty) or of one agency, for a year and a
    breakdown value ("" = total). Values from an agency report count only once the
    report is accepted."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("breakdown value"), max_length=120, blank=True)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(
        _("part"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("whole"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    report = models.ForeignKey(
        AgencyReport,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicator_values",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    warning = models.CharField(_("warning"), max_length=300, blank=True)

    class Meta:
        ordering = ["indicator", "year", "category"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        indexes = [
            # Progress (indicators/series.py:_groups) groups a plan's values by these
            # keys: with the summed columns included, PostgreSQL reads the index alone,
            # in order, without the table (SQLite ignores INCLUDE).
            models.Index(
                fields=["indicator", "category", "year"],
                include=["id", "agency", "report", "value", "numerator", "denominator"],
                name="value_progress_cover",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "category", "agency"],
                condition=Q(agency__isnull=False),
                name="value_unique",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "category"],
                condition=Q(agency__isnull=True),
                name="value_unique_province",
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(numerator__lte=models.F("denominator")),
                name="value_part_not_above_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year} {self.category} {self.value}"


class RegistryEntry(models.Model):
    """One counted thing (a cleaner-production model, a value chain, an event…), with
    who reported it, when, where and the evidence, so that a count can be audited."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="registry")
    category = models.CharField(_("registry"), max_length=24, choices=Category.choices)
    name = models.CharField(_("name"), max_length=300)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    locality = models.CharField(_("locality"), max_length=120, blank=True)
    evidence = models.CharField(_("evidence"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "category", "year", "name"]
        verbose_name = _("registry entry")
        verbose_name_plural = _("registry entries")

    def __str__(self) -> str:
        return self.name

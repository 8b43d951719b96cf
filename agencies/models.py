"""The agency registry: agencies with validity dates, group references, and the
wordings (full names, abbreviations, variants) by which documents name them.

Agencies are never deleted: an agency that ceased to exist gets ``valid_to``;
succession events (merge, split, rename) build on these dates.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from planwatch.text import fold


class AgencyKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    PROVINCE_COMMITTEE = "province_committee", _("Provincial People's Committee")
    DEPARTMENT = "department", _("Provincial department")
    BOARD = "board", _("Provincial board or office")
    DISTRICT_COMMITTEE = "district_committee", _("District-level People's Committee")
    COMMUNE_COMMITTEE = "commune_committee", _("Commune-level People's Committee")
    OTHER = "other", _("Other")


class UnitType(models.TextChoices):
    """The kind of a commune-level administrative unit (Luật Tổ chức chính quyền địa
    phương 2025, Điều 2): xã (rural), phường (urban), đặc khu (island special zone)."""

    XA = "xa", _("commune (xã)")
    PHUONG = "phuong", _("ward (phường)")
    DAC_KHU = "dac_khu", _("special zone (đặc khu)")


class AgencyQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> AgencyQuerySet:
        """Agencies that existed on ``day`` (open-ended dates count as always)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class Agency(models.Model):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=255)
    abbreviation = models.CharField(_("abbreviation"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.ForeignKey(
        "self",
        verbose_name=_("province"),
        help_text=_("The provincial People's Committee the agency falls under."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    note = models.TextField(_("note"), blank=True)
    # A local administrative unit: what it is, its statistics code, the act that
    # formed it and what it was formed from (the former communes are kept as text:
    # docs/decisions.md), and the registry's district-level units on whose territory it
    # was formed (a plan's territory is a rule over these: plans.territory).
    unit_type = models.CharField(
        _("administrative unit"), max_length=10, choices=UnitType.choices, blank=True
    )
    admin_code = models.CharField(
        _("administrative unit code"),
        max_length=10,
        blank=True,
        help_text=_("The code of the statistics office (Cục Thống kê)."),
    )
    established_by = models.CharField(_("formed by"), max_length=300, blank=True)
    formed_from = models.JSONField(
        _("formed from"),
        default=list,
        blank=True,
        help_text=_("The former units merged into this one, as the act names them."),
    )
    formed_on = models.ManyToManyField(
        "self",
        verbose_name=_("formed on the territory of"),
        symmetrical=False,
        blank=True,
        related_name="formed_into",
    )
    search_key = models.CharField(max_length=600, editable=False, db_index=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_key = fold(f"{self.name} {self.abbreviation}")
        super().save(*args, **kwargs)

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )


class AgencyGroup(models.Model):
    """A group reference such as "Các sở, ban, ngành": not one agency, but a set
    resolved on a date (by kind within a province), listed explicitly, or open
    ("các đơn vị có liên quan"), which no registry can enumerate."""

    class Rule(models.TextChoices):
        BY_KIND = "by_kind", _("agencies of given kinds in a province")
        EXPLICIT = "explicit", _("listed members")
        OPEN = "open", _("open (not enumerable)")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("wording"), max_length=255)
    description = models.TextField(_("meaning"), blank=True)
    rule = models.CharField(_("membership"), max_length=16, choices=Rule.choices)
    member_kinds = models.JSONField(_("member kinds"), default=list, blank=True)
    scope = models.ForeignKey(
        Agency,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    members = models.ManyToManyField(
        Agency, verbose_name=_("members"), blank=True, related_name="listed_in_groups"
    )
    valid_to = models.DateField(
        _("meant until"),
        null=True,
        blank=True,
        help_text=_("After this day the reference means its successor group."),
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("group reference")
        verbose_name_plural = _("group references")

    def __str__(self) -> str:
        return self.name

    def on(self, day: dt.date) -> AgencyGroup:
        """The group this reference means on ``day``: itself, or after ``valid_to`` its
        successor ("UBND các huyện, thị xã, thành phố" → "UBND cấp xã" from 1/7/2025)."""
        group, seen = self, set()
        while group.valid_to and day > group.valid_to and group.successor is not None:
            if group.pk in seen:
                break
            seen.add(group.pk)
            group = group.successor
        return group

    def members_on(self, day: dt.date, province_on=None) -> AgencyQuerySet:
        """The agencies this group means on ``day``. A province-scoped group follows its
        province through succession (``province_on(scope, day)`` gives the province of that
        day; agencies.succession passes it)."""
        group = self.on(day)
        if group.valid_to and day > group.valid_to:
            return Agency.objects.none()
        if group.rule == self.Rule.BY_KIND:
            qs = Agency.objects.filter(kind__in=group.member_kinds)
            if group.scope_id:
                scope = province_on(group.scope, day) if province_on else group.scope
                qs = qs.filter(province_id=scope.pk if scope else group.scope_id)
            return qs.valid_on(day)
        if group.rule == self.Rule.EXPLICIT:
            return group.members.all().valid_on(day)
        return Agency.objects.none()


class Alias(models.Model):
    """One wording by which documents name an agency or a group.

    A wording belongs to a province ("Sở Công Thương" means a different
    department in each province) or, with no scope, to the whole country
    ("Bộ Công Thương", "UBND tỉnh Quảng Bình", "các đơn vị có liên quan").
    """

    wording = models.CharField(_("wording"), max_length=255)
    key = models.CharField(_("key"), max_length=255)
    scope = models.ForeignKey(
        Agency,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases"
    )
    group = models.ForeignKey(
        AgencyGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases"
    )

    class Meta:
        ordering = ["wording"]
        verbose_name = _("wording")
        verbose_name_plural = _("wordings")
        constraints = [
            models.CheckConstraint(
                condition=(Q(agency__isnull=False) & Q(group__isnull=True))
                | (Q(agency__isnull=True) & Q(group__isnull=False)),
                name="alias_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["scope", "key"],
                condition=Q(scope__isnull=False),
                name="alias_unique_in_province",
            ),
            models.UniqueConstraint(
                fields=["key"], condition=Q(scope__isnull=True), name="alias_unique_national"
            ),
        ]

    def __str__(self) -> str:
        return self.wording

    @property
    def target(self) -> Agency | AgencyGroup:
        # The check constraint above ("alias_exactly_one_target") guarantees one is set.
        target = self.agency or self.group
        assert target is not None
        return target


class SuccessionKind(models.TextChoices):
    RENAME = "rename", _("rename")
    MERGE = "merge", _("merge")
    SPLIT = "split", _("split")
    TRANSFER = "transfer", _("transfer of a function")
    ABOLITION = "abolition", _("abolition")


class SuccessionEvent(models.Model):
    """A change in the administration, effective on a date, ordered by a legal act:
    agencies renamed, merged, split, a function transferred, an agency abolished.
    History stays with the old agency; duties pass to its successors from ``effective``."""

    kind = models.CharField(_("kind"), max_length=10, choices=SuccessionKind.choices)
    effective = models.DateField(_("effective from"))
    act = models.CharField(_("legal act"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    certain = models.BooleanField(
        _("confirmed"),
        default=True,
        help_text=_("Unchecked where the date or the mapping still needs confirming."),
    )
    key = models.CharField(max_length=120, blank=True, help_text="bundled data key")
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["effective", "pk"]
        verbose_name = _("succession event")
        verbose_name_plural = _("succession events")
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~Q(key=""), name="succession_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective:%d/%m/%Y}"


class SuccessionLink(models.Model):
    """One predecessor → successor line of an event. A split or a transfer names the
    function that goes with the successor and the words by which a task is known to
    belong to it ("giáo dục nghề nghiệp"); an abolition has no successor."""

    event = models.ForeignKey(SuccessionEvent, on_delete=models.CASCADE, related_name="links")
    predecessor = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="successor_links"
    )
    successor = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="predecessor_links"
    )
    function = models.CharField(_("function"), max_length=255, blank=True)
    keywords = models.JSONField(_("task words"), default=list, blank=True)

    class Meta:
        ordering = ["event", "pk"]
        verbose_name = _("succession line")
        verbose_name_plural = _("succession lines")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "predecessor", "successor"], name="succession_link_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor or '—'}"

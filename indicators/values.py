"""Entering indicator values and baselines, checked as DHIS2 checks data: a
percentage within 0–100, a count whole and non-negative, a part not above its
whole, and a warning (not a refusal) when a value jumps far from last year's."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from audit.log import record, snapshot
from indicators.models import Indicator, IndicatorValue, Kind
from planwatch.forms import parse_decimal

JUMP = Decimal("0.5")  # more than ±50 % from last year's value is worth a second look


class ValueError_(ValueError):
    """Bad input; ``errors`` are Vietnamese sentences."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def parse_number(text, label: str, errors: list[str]) -> Decimal | None:
    """ "12,5" -> 12.5 (Vietnamese decimal comma), "1.250.000" -> 1250000, "" -> None
    (planwatch.forms.parse_decimal); a problem is appended to ``errors``."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    try:
        return parse_decimal(text)
    except ValueError:
        errors.append(
            _('%(label)s: "%(value)s" is not a number.') % {"label": label, "value": str(text)[:30]}
        )
        return None


def _is_count(indicator: Indicator) -> bool:
    return indicator.kind == Kind.REGISTRY or (
        indicator.target.measure == "count" and not indicator.is_percent
    )


def check(
    indicator: Indicator, year: int, value, numerator, denominator, errors: list[str]
) -> None:
    """The rules every value obeys; problems appended to ``errors``."""
    plan = indicator.plan
    label = f"{indicator.name[:60]} ({year})"
    if not plan.period_start <= year <= plan.period_end:
        errors.append(
            _("%(label)s: the year is outside the plan (%(start)s–%(end)s).")
            % {"label": label, "start": plan.period_start, "end": plan.period_end}
        )
    for number in (value, numerator, denominator):
        if number is not None and number < 0:
            errors.append(_("%(label)s: a value cannot be negative.") % {"label": label})
            break
    if _is_count(indicator) and value is not None and value != value.to_integral_value():
        errors.append(_("%(label)s: a count must be a whole number.") % {"label": label})
    if indicator.is_percent and value is not None and value > 100:
        errors.append(_("%(label)s: a percentage cannot be above 100.") % {"label": label})
    if numerator is not None and denominator is not None and numerator > denominator:
        errors.append(
            _("%(label)s: the part (%(p)s) is above the whole (%(w)s).")
            % {"label": label, "p": numerator, "w": denominator}
        )
    if indicator.kind == Kind.RATIO and (numerator is None or denominator is None):
        errors.append(_("%(label)s: give both the part and the whole.") % {"label": label})
    if indicator.kind == Kind.YES_SHARE and value not in (None, 0, 1):
        errors.append(_("%(label)s: answer yes (1) or no (0).") % {"label": label})


def warning_from(value, last) -> str:
    """A warning when ``value`` is far from last year's ``last`` (None: none)."""
    if value is None or last is None or last == 0:
        return ""
    change = (value - last) / abs(last)
    if abs(change) > JUMP:
        return _("%(pct)s%% from last year's %(last)s: please check.") % {
            "pct": f"{change * 100:+.0f}",
            "last": f"{last.normalize():f}",
        }
    return ""


def jump_warning(indicator: Indicator, year: int, category: str, agency, value) -> str:
    """A warning when ``value`` is far from last year's (same breakdown and agency)."""
    if value is None:
        return ""
    last = (
        IndicatorValue.objects.filter(
            indicator=indicator, year=year - 1, category=category, agency=agency
        )
        .values_list("value", flat=True)
        .first()
    )
    return warning_from(value, last)


def parse_entry(
    indicator: Indicator, year: int, value=None, numerator=None, denominator=None
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(value, numerator, denominator) from what was typed, checked (``check``; a
    ratio's value computed from its parts): ValueError_ with every problem. No query."""
    errors: list[str] = []
    label = f"{indicator.name[:60]} ({year})"
    value = parse_number(value, label, errors)
    numerator = parse_number(numerator, label, errors)
    denominator = parse_number(denominator, label, errors)
    if indicator.kind == Kind.RATIO and numerator is not None and denominator:
        value = (100 * numerator / denominator).quantize(Decimal("0.0001"))
    if not errors:
        check(indicator, year, value, numerator, denominator, errors)
    if errors:
        raise ValueError_(errors)
    return value, numerator, denominator


@transaction.atomic
def save_value(
    indicator: Indicator,
    year: int,
    *,
    value=None,
    numerator=None,
    denominator=None,
    category: str = "",
    agency=None,
    report=None,
    actor=None,
) -> IndicatorValue:
    """Save one value (replacing the same indicator, year, breakdown and agency)."""
    value, numerator, denominator = parse_entry(indicator, year, value, numerator, denominator)
    existing = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, year=year, category=category, agency=agency)
        .first()
    )
    before = snapshot(existing) if existing else None
    row = existing or IndicatorValue(
        indicator=indicator, year=year, category=category, agency=agency
    )
    row.value, row.numerator, row.denominator = value, numerator, denominator
    row.report = report
    row.entered_by = actor if getattr(actor, "pk", None) else None
    row.warning = jump_warning(indicator, year, category, agency, value)
    row.save()
    record(actor, "update" if before else "create", row, before=before, after=snapshot(row))
    return row


@transaction.atomic
def set_baseline(indicator: Indicator, year, value, actor=None) -> Indicator:
    """The coordinator's baseline (year and value); a reduction needs a non-zero one."""
    errors: list[str] = []
    number = parse_number(value, _("Baseline"), errors)
    year_number = parse_number(year, _("Baseline year"), errors)
    if (
        year_number is None
        or year_number != year_number.to_integral_value()
        or not (1990 <= year_number <= indicator.plan.period_end)
    ):
        errors.append(_("The baseline year must be a year before the end of the plan."))
    if number is None:
        errors.append(_("Give the baseline value."))
    elif indicator.target.measure == "reduction" and number == 0:
        errors.append(
            _("A reduction target needs a baseline above 0: a reduction from 0 cannot be measured.")
        )
    elif number < 0 or (indicator.is_percent and number > 100):
        errors.append(_("The baseline value is out of range."))
    if errors or year_number is None or number is None:
        raise ValueError_(errors)  # a message for each missing value is in ``errors``
    before = snapshot(indicator)
    indicator.baseline_year, indicator.baseline_value = int(year_number), number
    indicator.save(update_fields=["baseline_year", "baseline_value"])
    record(actor, "update", indicator, before=before, after=snapshot(indicator))
    return indicator

"""Progress toward a target, in plain Python: is the province going to make it?

The method is Open SDG's (Statistics Canada's, after Eurostat): compare the
compound annual growth rate observed since the baseline with the rate needed to
reach the target on time; the ratio R = d·CAGRobs / |CAGRreq| gives the status
with thresholds at 95 %, 60 % and 0. Where a target has a non-zero baseline and a
single value, the status here is the one that method gives. It is extended where it
breaks down (see docs/progress.md):

- a range (5–8 %): "achieved" when the floor is met, "range met" when the ceiling is;
  on the way there the floor is what must be reached;
- a count that accumulates from zero (04–06 models over the period): growth rates
  of zero are undefined, so the observed count is compared with a straight line from
  zero at the start of the period to the floor at the milestone;
- a reduction against a baseline ("giảm 5–8 %"): the indicator is the level (say,
  material use per unit of output); the target level is the baseline less the floor,
  and the status is Open SDG's on the levels, desired direction down;
- a share that reaches 100 %, or any series whose baseline is 0: the growth from zero
  is taken as a linear rate, since a CAGR from zero is undefined;
- after the milestone (the year assessed is past it, or the milestone year's value is
  in): a target is achieved or not achieved, with the value reached and the gap, never
  "on track": there is no time left to catch up. The value assessed is the latest up
  to the milestone;
- a count accumulates: the count of its last entry still stands in the year assessed,
  and it is judged against what that year should have reached.

A status that cannot be given says why (``reason``) instead of guessing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Status(StrEnum):
    ACHIEVED = "achieved"
    RANGE_MET = "range_met"
    ON_TRACK = "on_track"
    ACCELERATION_NEEDED = "acceleration_needed"
    LIMITED_PROGRESS = "limited_progress"
    DETERIORATION = "deterioration"
    NOT_ACHIEVED = "not_achieved"
    NOT_ASSESSABLE = "not_assessable"


LABELS = {
    Status.ACHIEVED: gettext_lazy("Achieved"),
    Status.RANGE_MET: gettext_lazy("Upper end of the target met"),
    Status.ON_TRACK: gettext_lazy("On track"),
    Status.ACCELERATION_NEEDED: gettext_lazy("Acceleration needed"),
    Status.LIMITED_PROGRESS: gettext_lazy("Limited progress"),
    Status.DETERIORATION: gettext_lazy("Deterioration"),
    Status.NOT_ACHIEVED: gettext_lazy("Not achieved"),
    Status.NOT_ASSESSABLE: gettext_lazy("Not assessable"),
}
ON_TRACK, ACCELERATION = 0.95, 0.60
# The figures an assessment came from, by name (NUMBER_LABELS), and how it was made
# ("method": "linear", "linear-count").
Numbers = dict[str, float | int | str | None]
# How the numbers an assessment came from are named for a reader.
NUMBER_LABELS = {
    "base_year": gettext_lazy("Base year"),
    "base": gettext_lazy("Baseline value"),
    "year": gettext_lazy("Year of the data"),
    "value": gettext_lazy("Value"),
    "target_year": gettext_lazy("Milestone year"),
    "target": gettext_lazy("Level to reach"),
    "cagr_observed": gettext_lazy("Observed compound annual growth (CAGR)"),
    "cagr_required": gettext_lazy("Compound annual growth required"),
    "ratio": gettext_lazy("Ratio R (observed / required)"),
    "rate_observed": gettext_lazy("Observed change per year"),
    "rate_required": gettext_lazy("Change per year required"),
    "method": gettext_lazy("Method"),
    "reduction": gettext_lazy("Reduced so far (%)"),
    "target_reduction": gettext_lazy("Reduction required (%)"),
    "expected": gettext_lazy("Expected by now"),
    "assessed_year": gettext_lazy("Year assessed"),
    "gap": gettext_lazy("Gap to the target"),
}
# Statuses that say the target is met; after its milestone a target is one of these
# or NOT_ACHIEVED.
MET = (Status.ACHIEVED, Status.RANGE_MET)

METHOD_LABELS = {
    "linear": gettext_lazy("straight line (the baseline is zero)"),
    "linear-count": gettext_lazy("count against a straight line from zero"),
}
RATES = {"cagr_observed", "cagr_required", "rate_observed", "rate_required"}


def describe_numbers(numbers: Numbers) -> list[tuple[str, str]]:
    """The figures of an assessment as a reader sees them: named in words, years
    without separators, growth rates in % a year, the method in words; a figure
    without a name is left out rather than shown by its key."""
    from django.utils.formats import number_format

    out = []
    for key, value in numbers.items():
        label = NUMBER_LABELS.get(key)
        if label is None or value is None:
            continue
        if key == "method":
            text = str(METHOD_LABELS.get(str(value), value))
        elif key.endswith("year") and isinstance(value, int | float):
            text = str(int(value))
        elif key in RATES and isinstance(value, int | float):
            text = _("%(rate)s %% a year") % {"rate": number_format(round(value * 100, 1), 1)}
        elif key == "ratio" and isinstance(value, int | float):
            pct = number_format(round(value * 100), 0)  # rounded as the dashboard's card
            text = _("%(pct)s %% of the pace needed") % {"pct": pct}
        elif isinstance(value, float):
            places = 2 if abs(value) < 100 else 1
            text = number_format(round(value, places), places)  # it would cut, not round
        else:
            text = str(value)
        out.append((str(label), text))
    return out


@dataclass
class Assessment:
    status: Status
    reason: str = ""
    numbers: Numbers = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(LABELS[self.status])


def cagr(y0: float, y1: float, t0: int, t1: int) -> float:
    """Compound annual growth rate from (t0, y0) to (t1, y1); both values positive."""
    return (y1 / y0) ** (1 / (t1 - t0)) - 1


def status_from_ratio(ratio: float) -> Status:
    """Open SDG's thresholds on R."""
    if ratio >= ON_TRACK:
        return Status.ON_TRACK
    if ratio >= ACCELERATION:
        return Status.ACCELERATION_NEEDED
    if ratio >= 0:
        return Status.LIMITED_PROGRESS
    return Status.DETERIORATION


def _met(value: float, target: float, direction: int) -> bool:
    return value >= target if direction > 0 else value <= target


def open_sdg(
    base_year: int,
    base: float,
    year: int,
    value: float,
    target_year: int,
    target: float,
    direction: int,
) -> Assessment:
    """Open SDG's status for one value against a quantitative target.

    ``direction`` is +1 when higher is better, -1 when lower is better.
    """
    numbers: Numbers = {
        "base_year": base_year,
        "base": base,
        "year": year,
        "value": value,
        "target_year": target_year,
        "target": target,
    }
    if _met(value, target, direction):
        return Assessment(Status.ACHIEVED, "", numbers)
    if year <= base_year:
        return Assessment(
            Status.NOT_ASSESSABLE,
            _("No data after the base year to compute a rate of change."),
            numbers,
        )
    if base <= 0 or value <= 0 or target <= 0:
        return _linear(base_year, base, year, value, target_year, target, direction, numbers)
    observed = cagr(base, value, base_year, year)
    required = cagr(base, target, base_year, target_year)
    numbers.update(cagr_observed=round(observed, 6), cagr_required=round(required, 6))
    if required == 0:
        return Assessment(
            Status.NOT_ASSESSABLE, _("The target equals the baseline value."), numbers
        )
    ratio = direction * observed / abs(required)
    numbers["ratio"] = round(ratio, 4)
    return Assessment(status_from_ratio(ratio), "", numbers)


def _linear(
    base_year: int,
    base: float,
    year: int,
    value: float,
    target_year: int,
    target: float,
    direction: int,
    numbers: Numbers,
) -> Assessment:
    """A zero baseline (or value): the rate per year, linear, against the rate needed."""
    required = (target - base) / (target_year - base_year)
    observed = (value - base) / (year - base_year)
    numbers.update(
        rate_observed=round(observed, 6), rate_required=round(required, 6), method="linear"
    )
    if required == 0:
        return Assessment(
            Status.NOT_ASSESSABLE, _("The target equals the baseline value."), numbers
        )
    ratio = direction * observed / abs(required)
    numbers["ratio"] = round(ratio, 4)
    return Assessment(status_from_ratio(ratio), "", numbers)


def _latest(series: dict[int, float], year: int) -> tuple[int, float] | None:
    years = [y for y in series if y <= year and series[y] is not None]
    if not years:
        return None
    last = max(years)
    return last, series[last]


def assess(
    measure: str,
    floor: float | None,
    ceiling: float | None,
    milestone: int,
    series: dict[int, float],
    year: int,
    *,
    base_year: int | None = None,
    base: float | None = None,
    period_start: int | None = None,
    direction: int = 1,
) -> Assessment:
    """The status of a target (measure, floor, ceiling, milestone) in ``year``.

    ``series`` holds the indicator's values by year: the level for a share or a
    reduction (the reduction is computed against ``base``), the cumulative count for
    a count. The latest value up to ``year`` (and up to the milestone) is used; once
    the milestone is past or its value is in, the target is met or not achieved.
    """
    if measure == "qualitative" or floor is None:
        return Assessment(
            Status.NOT_ASSESSABLE, _("A qualitative target: assessed by comment, not by figures.")
        )
    upto = min(year, milestone)
    latest = _latest(series, upto)
    if latest is None:
        return Assessment(Status.NOT_ASSESSABLE, _("No data up to %(year)s.") % {"year": upto})
    value_year, value = latest
    if measure == "count":
        result = _assess_count(floor, ceiling, milestone, upto, value_year, value, period_start)
    elif base is None or base_year is None:
        return Assessment(
            Status.NOT_ASSESSABLE,
            _("No baseline yet (base year and value)."),
            {"year": value_year, "value": value},
        )
    elif measure == "reduction":
        result = _assess_reduction(floor, ceiling, milestone, base_year, base, value_year, value)
    else:
        result = _assess_level(
            floor, ceiling, milestone, base_year, base, value_year, value, direction
        )
    if year > milestone or value_year >= milestone:
        return _after_milestone(result, measure, floor, milestone, value_year, value)
    return result


def _fmt(value: float) -> str:
    """2 → "2", 29.1667 → "29,17" (in Vietnamese)."""
    rounded = round(value, 2)
    return number_format(int(rounded) if rounded == int(rounded) else rounded)


def _after_milestone(
    result: Assessment, measure: str, floor: float, milestone: int, value_year: int, value: float
) -> Assessment:
    """The milestone is past (or its value is in): met, or not achieved with the value
    reached and the gap; never a trend ("on track") with no time left."""
    if result.status in MET or result.status == Status.NOT_ASSESSABLE:
        return result
    numbers = result.numbers
    if measure == "reduction":
        reached = float(numbers.get("reduction") or 0)
        gap = floor - reached
        text = (
            _(
                "Not achieved by %(milestone)s: a reduction of %(reached)s%% against the "
                "%(target)s%% required, %(gap)s percentage points short."
            )
            if reached >= 0
            else _(
                "Not achieved by %(milestone)s: the level rose instead of the reduction of "
                "%(target)s%% required, %(gap)s percentage points short."
            )
        )
    else:
        reached, gap = value, abs(floor - value)
        text = _(
            "Not achieved by %(milestone)s: %(reached)s reached against the %(target)s "
            "required, %(gap)s short."
        )
    numbers["gap"] = round(gap, 4)
    reason = text % {
        "milestone": milestone,
        "reached": _fmt(reached),
        "target": _fmt(floor),
        "gap": _fmt(gap),
    }
    if value_year < milestone:
        reason += " " + _(
            "There is no value for %(milestone)s; the latest, of %(year)s, is the one assessed."
        ) % {"milestone": milestone, "year": value_year}
    return Assessment(Status.NOT_ACHIEVED, reason, numbers)


def _with_ceiling(result: Assessment, achieved_now: bool, ceiling_met: bool) -> Assessment:
    if achieved_now and ceiling_met:
        result.status = Status.RANGE_MET
    return result


def _assess_level(
    floor: float,
    ceiling: float | None,
    milestone: int,
    base_year: int,
    base: float,
    year: int,
    value: float,
    direction: int,
) -> Assessment:
    result = open_sdg(base_year, base, year, value, milestone, floor, direction)
    ceiling_met = ceiling is not None and _met(value, ceiling, direction)
    return _with_ceiling(result, result.status == Status.ACHIEVED, ceiling_met)


def _assess_reduction(
    floor: float,
    ceiling: float | None,
    milestone: int,
    base_year: int,
    base: float,
    year: int,
    value: float,
) -> Assessment:
    if base == 0:
        return Assessment(
            Status.NOT_ASSESSABLE,
            _("The baseline is 0: a reduction against the base year cannot be computed."),
            {"base": base, "value": value},
        )
    reduced = 100 * (base - value) / base
    achieved = reduced >= floor
    target_level = base * (1 - floor / 100)
    result = open_sdg(base_year, base, year, value, milestone, target_level, -1)
    result.numbers.update(reduction=round(reduced, 4), target_reduction=floor)
    if achieved:
        result.status = Status.ACHIEVED
    elif result.status == Status.ACHIEVED:
        # Within floating-point noise of the target level, but short of the floor.
        result.status = Status.ON_TRACK
    return _with_ceiling(result, achieved, ceiling is not None and reduced >= ceiling)


def _assess_count(
    floor: float,
    ceiling: float | None,
    milestone: int,
    assessed: int,
    year: int,
    value: float,
    period_start: int | None,
) -> Assessment:
    """A cumulative count: the count of its last entry (``year``) still stands in the
    year ``assessed``, and is compared with what that year should have reached."""
    if value < 0:
        return Assessment(Status.NOT_ASSESSABLE, _("A negative count: the data are not valid."))
    numbers: Numbers = {
        "year": year,
        "value": value,
        "target": floor,
        "target_year": milestone,
        "assessed_year": assessed,
    }
    if value >= floor:
        status = Status.RANGE_MET if ceiling is not None and value >= ceiling else Status.ACHIEVED
        return Assessment(status, "", numbers)
    if period_start is None or assessed < period_start:
        return Assessment(
            Status.NOT_ASSESSABLE, _("The first year to count from is unknown."), numbers
        )
    # A straight line from zero before the first year to the floor at the milestone.
    expected = floor * (assessed - period_start + 1) / (milestone - period_start + 1)
    ratio = value / expected if expected else math.inf
    numbers.update(expected=round(expected, 4), ratio=round(ratio, 4), method="linear-count")
    return Assessment(status_from_ratio(ratio), "", numbers)

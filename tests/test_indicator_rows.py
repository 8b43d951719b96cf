"""indicators/rows.py writes the target page's values table as the template did."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from indicators.rows import value_rows

# The template's markup before the rows moved to Python (templates/indicators/target.html).
TEMPLATE = Template(
    "{% load i18n %}"
    '{% for v in values %}<tr><td>{{ v.year }}</td><td>{{ v.category }}</td><td>{{ v.agency.name|default:"—" }}</td><td>{{ v.value|floatformat:"-2" }}{% if v.denominator %} ({{ v.numerator|floatformat:"-2" }}/{{ v.denominator|floatformat:"-2" }}){% endif %}{% if v.warning %} <span class="text-warning-emphasis" title="{{ v.warning }}">⚠ {{ v.warning }}</span>{% endif %}</td><td>{% if v.report %}{% translate "report" %} ({{ v.report.get_state_display }}){% else %}{% translate "entered" %}{% endif %}</td></tr>{% empty %}<tr><td colspan="5">{% translate "No value yet." %}</td></tr>{% endfor %}'
)


def _report(state: str, label: str):
    return SimpleNamespace(state=state, get_state_display=lambda: label)


def _value(n: int, **kw):
    base = {
        "year": 2021 + n % 10,
        "category": ["", "Nông thôn", "A&B <x>"][n % 3],
        "agency_id": None,
        "agency": None,
        "value": Decimal("12.3456") * n,
        "numerator": None,
        "denominator": None,
        "warning": "",
        "report_id": None,
        "report": None,
    }
    base.update(kw)
    return SimpleNamespace(**base)


def _values():
    accepted, draft = _report("accepted", "Đã chấp nhận"), _report("draft", 'Nháp "1"')
    agency = SimpleNamespace(name="Sở Công Thương & <Đồng Hới>")
    return [
        _value(0),
        _value(1, agency_id=7, agency=agency, report_id=3, report=accepted),
        _value(2, numerator=Decimal("11"), denominator=Decimal("20"), value=Decimal("55.00")),
        _value(3, warning="Vượt 100% <kiểm tra> \"lại\" 'đi'", report_id=4, report=draft),
        _value(4, value=Decimal("1234567.5"), numerator=Decimal("0"), denominator=Decimal("0")),
        _value(5, agency_id=8, agency=SimpleNamespace(name="")),
        _value(6, value=Decimal("-0.004")),
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("values", [_values(), []], ids=["values", "empty"])
def test_value_rows_write_what_the_template_wrote(language, values):
    with translation.override(language):
        assert str(value_rows(values)) == TEMPLATE.render(Context({"values": values}))


def _models_read_as_before(indicator):
    """The target page's values as the view read them before latest_values (models)."""
    from django.db.models import Prefetch

    from indicators.models import IndicatorValue
    from reporting.models import AgencyReport

    order = ("-year", "category", "agency__name")
    first = IndicatorValue.objects.filter(indicator=indicator).order_by(*order)
    return list(
        IndicatorValue.objects.filter(pk__in=first.values("pk")[:200])
        .select_related("agency")
        .prefetch_related(Prefetch("report", AgencyReport.objects.only("pk", "state")))
        .order_by(*order)
    )


@pytest.mark.parametrize("seed", [0, 5])
def test_latest_values_are_the_rows_the_models_gave(plan, seed):
    """Up to 200 rows, the latest years first, in the same order; with more than 200
    the rows past the 200th year cut are left out as the LIMIT did."""
    from indicators.models import IndicatorValue, Kind
    from indicators.rows import SHOWN, latest_values
    from tests.test_series import generate

    indicators = [i for i in generate(plan, seed) if i.kind != Kind.REGISTRY]
    counts = {i.pk: IndicatorValue.objects.filter(indicator=i).count() for i in indicators}
    assert max(counts.values()) > SHOWN and min(counts.values()) < SHOWN
    for indicator in indicators:
        rows, models = latest_values(indicator), _models_read_as_before(indicator)
        assert len(rows) == min(SHOWN, counts[indicator.pk])
        keys = ["year", "category", "agency_id", "value", "numerator", "denominator"]
        keys += ["warning", "report_id"]
        assert [tuple(getattr(r, k) for k in keys) for r in rows] == [
            tuple(getattr(m, k) for k in keys) for m in models
        ]
        with translation.override("vi"):
            assert str(value_rows(rows)) == TEMPLATE.render(Context({"values": models}))

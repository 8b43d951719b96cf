"""indicators/cards.py writes the progress dashboard's cards as the template did."""

from __future__ import annotations

import math
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from indicators.cards import progress_cards
from indicators.overview import plan_progress
from indicators.progress import Assessment, Status
from indicators.views import COLOURS

# The template's markup before the cards moved to Python (templates/indicators/dashboard.html).
TEMPLATE = Template(
    "{% load i18n plans_tags %}"
    + """{% for row in rows %}
  <div class="col"><a class="card h-100 text-decoration-none border-{{ colours|get_item:row.assessment.status }} border-2" href="{% url 'indicators:target' plan.code row.target.pk %}?year={{ year }}" data-status="{{ row.assessment.status }}">
    <div class="card-header d-flex justify-content-between align-items-center bg-{{ colours|get_item:row.assessment.status }}-subtle">
      <span class="small fw-semibold">{% blocktranslate with m=row.target.milestone %}By {{ m }}{% endblocktranslate %} · {% target_range row.target %}</span>
      <span class="badge text-bg-{{ colours|get_item:row.assessment.status }}">{{ row.assessment.label }}</span>
    </div>
    <div class="card-body small text-body">
      <p class="mb-2">{{ row.target.text|truncatechars:140 }}</p>
      {% with n=row.assessment.numbers %}
      {% if n.value is not None %}<div><strong>{{ n.value|floatformat:"-2" }}</strong> {{ row.indicator.unit }} ({{ n.year }}){% if n.reduction is not None %} · {% if n.reduction < 0 %}{% translate "increase instead of reduction" %} {{ n.reduction|floatformat:"-1"|cut:"-" }}%{% else %}{% translate "reduction" %} {{ n.reduction|floatformat:"-1" }}%{% endif %}{% endif %}{% if n.base is not None %} · {% translate "baseline" %} {{ n.base|floatformat:"-2" }} ({{ n.base_year }}){% endif %}</div>{% endif %}
      {% if n.ratio is not None %}<div class="text-body-secondary">{% widthratio n.ratio 1 100 as pct %}{% blocktranslate %}{{ pct }} % of the pace needed{% endblocktranslate %}{% if n.expected is not None %} · {% translate "expected by now" %} {{ n.expected|floatformat:"-1" }}{% endif %}</div>{% endif %}
      {% endwith %}
      {% if row.assessment.reason %}<div class="text-body-secondary">{{ row.assessment.reason }}</div>{% endif %}
    </div>
  </a></div>
{% endfor %}"""
)


def _row(numbers, status=Status.ON_TRACK, reason="", unit="%", text="Tăng <b>5 - 8%</b> & hơn"):
    target = SimpleNamespace(
        pk=42,
        milestone=2025,
        text=text * 8,
        min_value=Decimal(5),
        max_value=Decimal("8.5"),
        unit="%",
        measure="share",
    )
    indicator = SimpleNamespace(unit=unit) if unit is not None else None
    return SimpleNamespace(
        target=target, indicator=indicator, assessment=Assessment(status, reason, numbers)
    )


def _rows():
    return [
        _row({"year": 2024, "value": 94.3, "base": 100.0, "base_year": 2020, "reduction": 5.7}),
        _row({"value": 101.25, "reduction": -1.25, "base": 100.0}, Status.DETERIORATION),
        _row(
            {"base": 0.0, "value": 3.0}, Status.NOT_ASSESSABLE, "Gốc là 0 <không> \"tính\" 'được'"
        ),
        _row({"year": 2023, "value": 2, "ratio": 0.9512, "expected": 2.3333}, unit=None),
        _row({"year": 2023, "value": 0, "ratio": math.inf, "expected": 0}),
        _row({"year": None, "value": 7, "ratio": -0.5}, Status.LIMITED_PROGRESS, unit="mô hình"),
        _row({}, Status.NOT_ASSESSABLE, "Chưa có số liệu đến năm 2024.", text="x"),
        _row({"value": None, "ratio": None}, Status.ACHIEVED, text=""),
    ]


def _template(rows, code="p17-sxtdbv-2021", year=2025) -> str:
    context = {"rows": rows, "plan": SimpleNamespace(code=code), "year": year}
    return TEMPLATE.render(Context({**context, "colours": COLOURS}))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_cards_write_what_the_template_wrote(language):
    rows = _rows()
    with translation.override(language):
        assert str(progress_cards(rows, "p17-sxtdbv-2021", 2025, COLOURS)) == _template(rows)
        assert str(progress_cards([], "p", 2025, COLOURS)) == _template([])


@pytest.mark.parametrize("language", ["vi", "en"])
def test_demo_cards_write_what_the_template_wrote(demo_progress, language):
    with translation.override(language):
        for year in (demo_progress.period_start, 2024, demo_progress.period_end):
            rows = plan_progress(demo_progress, year)
            assert any(r.assessment.numbers for r in rows)
            shown = progress_cards(rows, demo_progress.code, year, COLOURS)
            assert str(shown) == _template(rows, demo_progress.code, year)


def test_the_cards_show_their_figures():
    with translation.override("vi"):
        shown = str(progress_cards(_rows(), "p17", 2025, COLOURS))
    assert shown.count('<div class="col">') == len(_rows())
    assert "<strong>94,3</strong>" in shown or "<strong>94,30</strong>" in shown
    assert "&lt;b&gt;" in shown and "&lt;không&gt;" in shown
    assert "95 %" in shown and 'href="/plans/p17/progress/42/?year=2025"' in shown

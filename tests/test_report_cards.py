"""reporting/rows.py writes the report form's task cards as the template did."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from reporting.models import ItemStatus
from reporting.rows import ItemCards

# templates/reporting/report.html's loop before the cards moved to Python.
TEMPLATE = Template(
    "{% load i18n %}"
    + (
        "{% for item in items %}\n"
        '<div class="card mb-2 report-item" data-task="{{ item.task.code }}"><div class="card-body p-2">\n'
        '  <div class="d-flex justify-content-between"><strong>{{ item.task.code }}</strong><span class="badge text-bg-{% if item.role == \'lead\' %}primary{% else %}secondary{% endif %}">{{ item.get_role_display }}</span></div>\n'
        '  <p class="small mb-2">{{ item.task.content }} <span class="text-body-secondary">({{ item.task.timeframe_text }})</span></p>\n'
        '  {% for c in item.comments %}<div class="alert alert-warning py-1 small mb-2 review-comment" role="note"><strong>{% translate "Coordinator\'s comment" %}:</strong> {{ c.text }} <span class="text-body-secondary">— {{ c.author }}, {{ c.created_at|date:"d/m/Y" }}{% if c.version %}, v{{ c.version.number }}{% endif %}</span></div>{% endfor %}\n'
        '  <fieldset class="row g-2 small"{% if not can_edit %} disabled{% endif %}>\n'
        '    <div class="col-md-3"><label class="form-label w-100">{% translate "Status" %}<select class="form-select form-select-sm" name="item-{{ item.task_id }}-status" id="f-item-{{ item.task_id }}-status" data-unit="item-{{ item.task_id }}-state"{% if item.field_errors.status %} aria-invalid="true" aria-describedby="err-item-{{ item.task_id }}-status"{% endif %}>{% for v, l in statuses %}<option value="{{ v }}"{% if v == item.status %} selected{% endif %}>{{ l }}</option>{% endfor %}</select></label>{% include "includes/field_errors.html" with errors=item.field_errors.status id="err-item-"|add:item.key|add:"-status" %}</div>\n'
        '    <div class="col-md-9"><label class="form-label w-100">{% translate "Reason (if it will not be done)" %}<input class="form-control form-control-sm" name="item-{{ item.task_id }}-reason" id="f-item-{{ item.task_id }}-reason" data-unit="item-{{ item.task_id }}-state" value="{{ item.reason }}"{% if item.field_errors.reason %} aria-invalid="true" aria-describedby="err-item-{{ item.task_id }}-reason"{% endif %}></label>{% include "includes/field_errors.html" with errors=item.field_errors.reason id="err-item-"|add:item.key|add:"-reason" %}</div>\n'
        '    <div class="col-md-6"><label class="form-label w-100">{% translate "What was done" %}<textarea class="form-control form-control-sm" rows="2" name="item-{{ item.task_id }}-done" id="f-item-{{ item.task_id }}-done" data-unit="item-{{ item.task_id }}-done">{{ item.done }}</textarea></label></div>\n'
        '    <div class="col-md-6"><label class="form-label w-100">{% translate "Results" %}<textarea class="form-control form-control-sm" rows="2" name="item-{{ item.task_id }}-results" id="f-item-{{ item.task_id }}-results" data-unit="item-{{ item.task_id }}-results">{{ item.results }}</textarea></label></div>\n'
        '    <div class="col-md-6"><label class="form-label w-100">{% translate "Quantities (one a line: label: number unit)" %}<textarea class="form-control form-control-sm" rows="2" name="item-{{ item.task_id }}-quantities" id="f-item-{{ item.task_id }}-quantities" data-unit="item-{{ item.task_id }}-quantities" placeholder="Lớp tập huấn: 3 lớp"{% if item.field_errors.quantities %} aria-invalid="true" aria-describedby="err-item-{{ item.task_id }}-quantities"{% endif %}>{{ item.quantities_text }}</textarea></label>{% include "includes/field_errors.html" with errors=item.field_errors.quantities id="err-item-"|add:item.key|add:"-quantities" %}</div>\n'
        '    <div class="col-md-6"><label class="form-label w-100">{% translate "Money spent (đồng)" %}<input class="form-control form-control-sm" name="item-{{ item.task_id }}-spent" id="f-item-{{ item.task_id }}-spent" data-unit="item-{{ item.task_id }}-spent" value="{{ item.spent|default_if_none:\'\' }}" inputmode="numeric" placeholder="1.250.000.000"{% if item.field_errors.spent %} aria-invalid="true" aria-describedby="err-item-{{ item.task_id }}-spent"{% endif %}></label>{% include "includes/field_errors.html" with errors=item.field_errors.spent id="err-item-"|add:item.key|add:"-spent" %}</div>\n'
        "  </fieldset>\n"
        '  {% if "return" in actions %}<div class="mt-2 small"><label class="form-label w-100 review-input">{% translate "Comment on this task (when returning)" %}<input class="form-control form-control-sm" name="comment-item-{{ item.task.code }}" form="return-form"></label></div>{% endif %}\n'
        "</div></div>\n"
        "{% endfor %}"
    )
)


def _item(n: int, **kw):
    task = SimpleNamespace(
        code=f"II.{n}",
        content=f'Tuyên truyền <sản xuất> & "tiêu dùng" bền vững {n}',
        timeframe_text="2021–2030",
    )
    base = {
        "task": task,
        "task_id": 100 + n,
        "key": str(100 + n),
        "role": "lead" if n % 2 else "partner",
        "get_role_display": (lambda n=n: "Chủ trì" if n % 2 else "Phối hợp"),
        "status": [s for s, _label in ItemStatus.choices][n % len(ItemStatus.choices)],
        "reason": "" if n % 3 else "Thiếu kinh phí 'năm' <2026>",
        "done": f"Đã tổ chức {n} lớp\ntập huấn & hội thảo",
        "results": "" if n % 2 else "Kết quả <tốt>",
        "quantities_text": "Lớp tập huấn: 3 lớp" if n % 2 else "",
        "spent": None if n % 3 == 1 else Decimal("1250000000") * n,
        "field_errors": {},
        "comments": [],
    }
    base.update(kw)
    return SimpleNamespace(**base)


def _comment(text: str, version=None):
    return SimpleNamespace(
        text=text,
        author="Nguyễn Văn A <điều phối>",
        created_at=dt.datetime(2026, 12, 1, 18, 30, tzinfo=dt.UTC),  # 2/12 in Hà Nội
        version=version,
    )


def _items():
    return [
        _item(0),
        _item(
            1,
            comments=[
                _comment("Bổ sung số liệu & <nguồn>"),
                _comment("v2", SimpleNamespace(number=2)),
            ],
        ),
        _item(
            2,
            field_errors={
                "status": ["Chọn trạng thái."],
                "spent": ["Nhập số tiền bằng chữ số, ví dụ 1.250.000.000.", "Không âm."],
                "quantities": ["Dòng 1: thiếu số."],
                "reason": ["Ghi lý do."],
            },
        ),
        _item(3, spent=Decimal("0")),
        _item(4, spent=12),
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("can_edit", [True, False])
@pytest.mark.parametrize("actions", [["save", "submit"], ["accept", "return"]])
@pytest.mark.parametrize("items", [_items(), []], ids=["items", "none"])
def test_item_cards_write_what_the_template_wrote(language, can_edit, actions, items):
    context = {
        "items": items,
        "statuses": ItemStatus.choices,
        "can_edit": can_edit,
        "actions": actions,
    }
    with translation.override(language), timezone.override("Asia/Ho_Chi_Minh"):
        expected = TEMPLATE.render(Context(context))
        cards = ItemCards(items, statuses=ItemStatus.choices, can_edit=can_edit, actions=actions)
        assert str(cards) == expected
